/**
 * A stand-in for the Electron runtime folder, which cannot be downloaded here. electron-builder's
 * `--dir` target only copies it and flips the fuses, so a file with a real fuse wire (the sentinel,
 * wire version 1, the wire length, one byte per fuse) is enough to check the whole packaging step.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_COUNT = 8;
/** Electron's own defaults: RunAsNode, NODE_OPTIONS and --inspect on, the rest off. */
const DEFAULT_WIRE = '10110000';

export async function writePlaceholderElectron(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const binary = Buffer.concat([Buffer.from('#!/bin/sh\necho "placeholder Electron runtime"\nexit 1\n'), Buffer.from(SENTINEL), Buffer.from([1, FUSE_COUNT]), Buffer.from(DEFAULT_WIRE)]);
  await writeFile(join(dir, 'electron'), binary, { mode: 0o755 });
  await writeFile(join(dir, 'version'), '41.0.0');
  return dir;
}
