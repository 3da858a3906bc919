/**
 * Run in a child process (under strace) by photo-store-durability.test.ts: records one intake in
 * a fresh originals ledger (its journal made by that append).
 *
 *   node --import tsx ledger-append-child.ts <dataDir>
 */
import { OriginalsLedger } from '../../../electron/services/settings/originals-ledger';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: ledger-append-child <dataDir>');
new OriginalsLedger(dir).takenIn('a'.repeat(64));
