/**
 * Run in a child process by memory.test.ts (`node --import tsx memory-probe.ts <photo> <storeRoot>`),
 * so the peak RSS it reports belongs to one photo's preparation and nothing else the tests did.
 * Prints one line of JSON.
 */
import { PhotoStore } from '../../../electron/services/images/photo-store';
import { inspectPhoto } from '../../../electron/services/images/inspect-photo';
import { preparePhotoForUpload } from '../../../electron/services/images/prepare-photo';

const [photoPath, storeRoot] = process.argv.slice(2);
if (photoPath === undefined || storeRoot === undefined) throw new Error('usage: memory-probe <photo> <storeRoot>');

const store = await PhotoStore.open(storeRoot);
const baselineRss = process.memoryUsage().rss;
let started = performance.now();
await inspectPhoto(photoPath);
const inspectMs = performance.now() - started;
started = performance.now();
const prepared = await preparePhotoForUpload(photoPath, store);
const prepareMs = performance.now() - started;
// maxRSS is the lifetime peak, in KiB on Linux, so it covers both steps above.
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({
    baselineRss,
    peakRss,
    growthMb: Math.round((peakRss - baselineRss) / 1e6),
    inspectMs: Math.round(inspectMs),
    prepareMs: Math.round(prepareMs),
    width: prepared.width,
    height: prepared.height,
    converted: prepared.converted,
  }),
);
