/**
 * connections.json damaged or hand-edited, read by the real services on a real data folder. A file
 * that holds no settings (`null`, an array, a number, garbage, a folder) used to stop the services
 * from starting ("Cannot read properties of null") or was silently overwritten at the next save;
 * now it is set aside as `connections.json.corrupt-<time>`, said in the log, and the defaults
 * apply. A field that is not valid (a number as the server address) used to be taken as it was;
 * now it alone is left out and said, and the fields beside it still apply. A save that fails
 * leaves the running settings as they were.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionSettingsStore } from '../../../electron/services/connections/connection-settings';
import { createCorelogServices, type CorelogServices } from '../../../electron/services/sample-systems/profile-host';

let dir: string;
const running: CorelogServices[] = [];
const env = { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/imago', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/dougal' };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-connections-file-'));
  await writeFile(join(dir, 'profile.json'), JSON.stringify({ active: 'real' }));
});
afterEach(async () => {
  for (const services of running.splice(0)) await services.dispose();
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

const file = () => join(dir, 'connections.json');
const setAside = async () => (await readdir(dir)).filter((name) => name.startsWith('connections.json.corrupt-'));
const logText = () => readFile(join(dir, 'logs', 'corelog.log'), 'utf8').catch(() => '');

async function launch(): Promise<CorelogServices> {
  const services = await createCorelogServices({ dataDir: dir, appVersion: 't', transport: 'browser', env });
  running.push(services);
  services.start();
  return services;
}

const NOT_SETTINGS: Record<string, string | 'folder'> = { null: 'null', 'an array': '[1,2]', 'a number': '42', 'a string': '"imago"', 'cut short': '{"imago": {"serverUrl": "ht', 'a folder': 'folder' };

describe('connections.json that holds no settings', () => {
  for (const [label, content] of Object.entries(NOT_SETTINGS)) {
    it(`${label}: the services start on the defaults, the file is kept beside and said in the log, and saving works`, async () => {
      if (content === 'folder') await mkdir(join(file(), 'inside'), { recursive: true });
      else await writeFile(file(), content);
      const services = await launch();
      const { connections } = await services.handlers.getConnections(undefined);
      expect(connections.map((c) => [c.system, c.serverUrl])).toEqual([
        ['imago', env.CORELOG_IMAGO_URL],
        ['dougal', env.CORELOG_DOUGAL_URL],
      ]);
      const aside = await setAside();
      expect(aside).toHaveLength(1);
      if (content !== 'folder') expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe(content);
      expect(await logText()).toMatch(/WARN .*connections\.json .*set aside as connections\.json\.corrupt-/);
      await services.handlers.setServerUrl({ system: 'dougal', serverUrl: 'http://127.0.0.1:9/other' });
      expect(JSON.parse(await readFile(file(), 'utf8')).dougal.serverUrl).toBe('http://127.0.0.1:9/other');
    });
  }
});

describe('connections.json with fields that are not valid', () => {
  it('each bad field is left out on its own and said; the valid fields beside it apply; the file is not set aside', async () => {
    await writeFile(
      file(),
      JSON.stringify({
        imago: { serverUrl: 42, api: { matchParam: 'matchType' } },
        dougal: { serverUrl: 'https://dougal.vessel.example/api/', implicitLogin: 'yes', api: { query: { limit: 'take' } } },
      }),
    );
    const store = new ConnectionSettingsStore(file(), env);
    expect(store.current.imago).toEqual({ serverUrl: env.CORELOG_IMAGO_URL, api: { matchParam: 'matchType' } });
    expect(store.current.dougal).toEqual({ serverUrl: 'https://dougal.vessel.example/api', implicitLogin: false, api: { query: { limit: 'take' } } });
    expect(store.problems).toHaveLength(2);
    expect(store.problems[0]).toMatch(/Imago server address \(42\) is not an http:\/\/ or https:\/\/ address/);
    expect(store.problems[1]).toMatch(/Dougal sign-in mode \("yes"\)/);
    expect(await setAside()).toEqual([]);
  });

  it('addresses that are not http(s), and a connection entry that is not an object, fall back to the defaults with a notice in the log', async () => {
    await writeFile(file(), JSON.stringify({ imago: 'https://imago.example.com', dougal: { serverUrl: 'javascript:alert(1)', implicitLogin: true } }));
    const services = await launch();
    expect(services.connections.status('imago').serverUrl).toBe(env.CORELOG_IMAGO_URL);
    expect(services.connections.status('dougal').serverUrl).toBe(env.CORELOG_DOUGAL_URL);
    const log = await logText();
    expect(log).toMatch(/WARN .*connections\.json: the saved Imago connection \("https:\/\/imago\.example\.com"\) is not a connection's settings/);
    expect(log).toMatch(/WARN .*connections\.json: the saved Dougal server address \("javascript:alert\(1\)"\)/);
  });

  it('a file://, ftp:// or unparsable address is not taken either', async () => {
    for (const address of ['file:///etc/passwd', 'ftp://dougal.example/api', 'not an address', '', 'x'.repeat(3000)]) {
      await writeFile(file(), JSON.stringify({ dougal: { serverUrl: address, api: { query: { limit: 'take' } } } }));
      const store = new ConnectionSettingsStore(file(), env);
      expect(store.current.dougal).toEqual({ serverUrl: env.CORELOG_DOUGAL_URL, implicitLogin: false, api: { query: { limit: 'take' } } });
      expect(store.problems.join(' ')).toMatch(/Dougal server address/);
    }
  });
});

describe('a save that fails', () => {
  it('leaves the running settings as they were and says why', async () => {
    const store = new ConnectionSettingsStore(file(), env);
    store.update((s) => void (s.dougal.serverUrl = 'http://127.0.0.1:9/first'));
    // A folder now stands where the file goes: the write cannot replace it.
    await rm(file());
    await mkdir(join(file(), 'inside'), { recursive: true });
    expect(() => store.update((s) => void (s.dougal.serverUrl = 'http://127.0.0.1:9/second'))).toThrow(/could not save connections\.json: a folder is in the way/);
    expect(store.current.dougal.serverUrl).toBe('http://127.0.0.1:9/first');
  });
});
