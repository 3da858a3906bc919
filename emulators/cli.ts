/**
 * `npm run emulators -- --imago-port 4010 --dougal-port 4020 [--data DIR]`
 * Starts local stand-ins for Seequent Imago (/integrate/2) and Dougal (/api) on 127.0.0.1.
 * Without --data their state lives in memory; with it, it survives restarts.
 *
 * Fault knobs (also changeable at run time: PATCH /__admin/faults on either port):
 *   --latency-ms N            add N ms to every request
 *   --failure-rate R          fail a share R (0..1) of requests…
 *   --failure-kinds LIST      …with these: 500,503,reset (default all three)
 *   --down imago|dougal|both  start with that system refusing every request
 *   --imago-token-lifetime S  Imago session lifetime in seconds (default 86400)
 *   --dougal-token-lifetime S Dougal JWT lifetime in seconds (default 900)
 *   --implicit-login IP,…     Dougal logs these client addresses in without credentials
 *   --imago-option KEY=VALUE  an Imago dialect switch, repeatable (also PATCH /__admin/imago/options),
 *                             e.g. uploadEncoding=multipart-only mimeParam=required-mimeType; see
 *                             emulators/imago/BEHAVIOUR.md (VALUE is read as JSON when it is JSON)
 *   --dougal-option KEY=VALUE the same for Dougal, e.g. eventPostResponse=empty-204
 *                             changesEndpoint=missing jwtRotateEvery=2; see emulators/dougal/BEHAVIOUR.md
 *   --no-admin                no /__admin endpoints and no fault injection (as the app's sample systems run)
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FailureKind } from './kit/faults';
import { startEmulators } from './start-emulators';

const { values } = parseArgs({
  options: {
    'imago-port': { type: 'string', default: '4010' },
    'dougal-port': { type: 'string', default: '4020' },
    data: { type: 'string' },
    'latency-ms': { type: 'string' },
    'failure-rate': { type: 'string' },
    'failure-kinds': { type: 'string' },
    down: { type: 'string' },
    'imago-token-lifetime': { type: 'string' },
    'dougal-token-lifetime': { type: 'string' },
    'implicit-login': { type: 'string' },
    'imago-option': { type: 'string', multiple: true },
    'dougal-option': { type: 'string', multiple: true },
    'no-admin': { type: 'boolean', default: false },
  },
});

function numberFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}, not "${value}"`);
    process.exit(2);
  }
  return n;
}

const faults = {
  ...(values['latency-ms'] !== undefined && { latencyMs: numberFlag('latency-ms', values['latency-ms'], 0, 600_000)! }),
  ...(values['failure-rate'] !== undefined && { failureRate: numberFlag('failure-rate', values['failure-rate'], 0, 1)! }),
  ...(values['failure-kinds'] !== undefined && { failureKinds: values['failure-kinds'].split(',').map((k) => k.trim()) as FailureKind[] }),
};
/** `key=value` pairs; a value that parses as JSON (numbers, true/false, null) is taken as that. */
function dialectOptions(flag: string, pairs: string[] | undefined): Record<string, unknown> | undefined {
  if (!pairs?.length) return undefined;
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      console.error(`--${flag} takes KEY=VALUE, not "${pair}"`);
      process.exit(2);
    }
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // A plain word such as multipart-only.
    }
    options[pair.slice(0, at)] = value;
  }
  return options;
}

const down = values.down;
if (down !== undefined && !['imago', 'dougal', 'both'].includes(down)) {
  console.error('--down takes imago, dougal or both');
  process.exit(2);
}

try {
  const running = await startEmulators({
    imagoPort: numberFlag('imago-port', values['imago-port'], 0, 65535)!,
    dougalPort: numberFlag('dougal-port', values['dougal-port'], 0, 65535)!,
    dataDir: values.data ? resolve(values.data) : null,
    faults,
    imagoTokenLifetimeSeconds: numberFlag('imago-token-lifetime', values['imago-token-lifetime'], 1, 10 * 86400),
    dougalTokenLifetimeSeconds: numberFlag('dougal-token-lifetime', values['dougal-token-lifetime'], 1, 10 * 86400),
    implicitLoginAddresses: values['implicit-login']?.split(',').map((a) => a.trim()).filter(Boolean),
    imagoOptions: dialectOptions('imago-option', values['imago-option']),
    dougalOptions: dialectOptions('dougal-option', values['dougal-option']),
    adminEndpoints: !values['no-admin'],
  });
  if (down === 'imago' || down === 'both') running.imago.server.faults.down = true;
  if (down === 'dougal' || down === 'both') running.dougal.server.faults.down = true;
  console.log(`Imago emulator:  ${running.imago.server.baseUrl}   (service account demo / demo)`);
  console.log(`Dougal emulator: ${running.dougal.server.baseUrl}           (demo / demo as user, guest / guest as guest)`);
  console.log(values.data ? `State is kept in ${resolve(values.data)}.` : 'State is in memory; pass --data DIR to keep it.');
  console.log(values['no-admin'] ? 'No admin endpoints and no fault injection (--no-admin). Ctrl+C stops.' : 'Admin: PATCH /__admin/faults, GET /__admin/requests, POST /__admin/clock on either port. Ctrl+C stops.');
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(code === 'EADDRINUSE' ? `A port is already in use (${(error as Error).message}). Pick others with --imago-port / --dougal-port.` : `The emulators could not start: ${(error as Error).message}`);
  process.exit(1);
}
