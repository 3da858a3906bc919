/**
 * Run in a child process (under strace) by photo-store-durability.test.ts: stores one photo and
 * prints where it went.
 *
 *   node --import tsx photo-store-put-child.ts <storeRoot>
 */
import { randomBytes } from 'node:crypto';
import { PhotoStore } from '../../../electron/services/images/photo-store';

const [root] = process.argv.slice(2);
if (!root) throw new Error('usage: photo-store-put-child <storeRoot>');
const store = await PhotoStore.open(root);
const put = await store.putBytes(randomBytes(4096), 'image/jpeg');
process.stdout.write(`${put.path}\n`);
