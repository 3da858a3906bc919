/**
 * Uploads one stored photo in its own process, prints `accepted <receipt>` and waits to be killed
 * (kill -9), as a service killed after Imago took the photo and before the window got the receipt.
 * argv: store root, Imago base URL, job (JSON).
 */
import { ImagoClient } from '../../../electron/services/imago/imago-client';
import { PhotoStore } from '../../../electron/services/images';
import { PhotoUploadExecutor, type UploadJob } from '../../../electron/services/photos/upload-executor';

const [root, baseUrl, jobJson] = process.argv.slice(2) as [string, string, string];
const client = new ImagoClient({ baseUrl, timeoutMs: 5_000, credentials: async () => ({ username: 'svc', password: 'pw' }) });
const executor = new PhotoUploadExecutor({ client: () => client, store: () => PhotoStore.open(root) });
const receipt = await executor.upload(JSON.parse(jobJson) as UploadJob);
process.stdout.write(`accepted ${JSON.stringify(receipt)}\n`);
setInterval(() => undefined, 60_000);
