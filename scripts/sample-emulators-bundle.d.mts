import type { BuildOptions } from 'esbuild';
export function sampleEmulatorsBuild(outfile: string): BuildOptions & { outfile: string };
