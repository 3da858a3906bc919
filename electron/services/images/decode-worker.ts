/**
 * Entry of the decode worker: a child process (Node `fork`, or Electron's `utilityProcess`) that
 * checks one heavy photo — or any photo that is not JPEG or PNG — and stops itself if its memory
 * goes over the cap it was given. See decode-worker-client.ts. Bundled to
 * dist/electron/decode-worker.cjs by scripts/build.mjs.
 */
import { toBridgeError } from '../../../common/errors';
import { tooLargeToCheckReason, WORKER_BASELINE_BYTES, WORKER_CAP_ENV, type WorkerMessage, type WorkerRequest } from './decode-worker-protocol';
import { checkPhotoHeader, convertPhoto, decodeCheck, decodeCost, rejected } from './photo-check';
import { renderPreview } from './sharp-setup';
import { useStructureThreads } from './structure-threads';

// One photo at a time here: the walks run beside libvips on this process's own main thread.
useStructureThreads(false);

const capBytes = Number(process.env[WORKER_CAP_ENV]);
if (!(capBytes > 0)) throw new Error(`${WORKER_CAP_ENV} must be set`);

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
/** Electron's utility process talks through `parentPort`; a forked Node child through `process.send`. */
const parentPort = (process as { parentPort?: ParentPort }).parentPort;

function post(message: WorkerMessage, sent: () => void = () => {}): void {
  if (parentPort !== undefined) {
    parentPort.postMessage(message);
    sent();
  } else process.send?.(message, undefined, undefined, () => sent());
}

const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;

// The memory cap. libvips decodes on its own threads, so this timer keeps running while it works.
setInterval(() => {
  const rssBytes = process.memoryUsage.rss();
  if (rssBytes <= capBytes) return;
  const stop = () => process.kill(process.pid, 'SIGKILL');
  post({ type: 'over-memory', rssBytes }, stop);
  setTimeout(stop, 50);
}, 10).unref();

async function handle(request: WorkerRequest): Promise<WorkerMessage> {
  const checked = await checkPhotoHeader(request.filePath);
  const convert = request.op === 'prepare' && request.outputPath !== null;
  const cost = decodeCost(checked, convert);
  if (WORKER_BASELINE_BYTES + cost > capBytes) throw rejected(tooLargeToCheckReason(capBytes, WORKER_BASELINE_BYTES + cost));
  if (request.op === 'preview') {
    const jpeg = await renderPreview(request.filePath, request.width);
    return { type: 'preview', jpeg: new Uint8Array(jpeg), peakRssBytes: peakRssBytes() };
  }
  // One decode at a time in this process, so each warning belongs to this photo and is judged.
  const thumbnail = await decodeCheck(checked, 'collect');
  const converted = request.outputPath !== null && checked.inspection.needsConversion;
  if (converted) await convertPhoto(checked, 'collect', request.outputPath!);
  return { type: 'prepared', inspection: checked.inspection, thumbnail: new Uint8Array(thumbnail), converted, peakRssBytes: peakRssBytes() };
}

function onRequest(request: WorkerRequest): void {
  handle(request).then(
    (reply) => post(reply),
    (error: unknown) => post({ type: 'failed', error: toBridgeError(error), peakRssBytes: peakRssBytes() }),
  );
}

if (parentPort !== undefined) parentPort.on('message', (event) => onRequest(event.data as WorkerRequest));
else process.on('message', (message) => onRequest(message as WorkerRequest));
// The parent stops this process once it has the reply; if the parent goes away, so does the worker.
process.on('disconnect', () => process.exit(0));
