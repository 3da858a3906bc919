/**
 * The service process of the photo upload benchmark (run by photos.bench.ts as a child, so its peak
 * memory is the services' alone): Corelog's real services pointed at the emulator, the files put
 * into the photo store, then every photo uploaded through the `uploadPhoto` bridge handler, two at
 * a time like the renderer's engine. Prints one line of JSON.
 *
 * usage: node --import tsx photos-upload-child.ts <imagoBaseUrl> <dataDir> <hole> <file>…
 */
import { readFileSync } from 'node:fs';
import { createAppServices } from '../../electron/services/app-services';
import { PhotoStore } from '../../electron/services/images';

const [baseUrl, dataDir, hole, ...files] = process.argv.slice(2);
if (!baseUrl || !dataDir || !hole || files.length === 0) throw new Error('usage: photos-upload-child <imagoBaseUrl> <dataDir> <hole> <file>…');

const services = createAppServices({
  dataDir,
  appVersion: 'bench',
  transport: 'browser',
  env: { ...process.env, CORELOG_IMAGO_URL: baseUrl, CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api', CORELOG_DEMO_LOGINS: '1' },
});
const store = await PhotoStore.open(`${dataDir}/photos`);
const stored: Awaited<ReturnType<PhotoStore['putFile']>>[] = [];
for (const file of files) stored.push(await store.putFile(file, 'image/jpeg'));

const concurrency = 2;
let next = 0;
const started = performance.now();
const cpuBefore = process.cpuUsage();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < stored.length) {
      const index = next++;
      await services.handlers.uploadPhoto({
        jobId: `bench-${index}`,
        sha256: stored[index]!.sha256,
        target: { workspaceName: 'Firefly Resource Development', datasetName: 'Diamond Drilling', collectionName: hole, imageryTypeName: 'Core Trays', from: index, to: index + 1 },
        imageTypeName: 'Wet',
        attributes: {},
        resend: false,
      });
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const status = readFileSync('/proc/self/status', 'utf8');
const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
await services.dispose();
console.log(JSON.stringify({ seconds, cpuSeconds, bytes: stored.reduce((n, s) => n + s.bytes, 0), peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 }));
process.exit(0);
