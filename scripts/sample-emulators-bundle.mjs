// The esbuild options of dist/electron/sample-emulators.cjs: the Imago and Dougal emulators the app
// runs as its sample systems (electron/services/sample-systems). One definition for
// scripts/build.mjs and the packaging test, which builds it into the package it checks.

/** @param {string} outfile */
export function sampleEmulatorsBuild(outfile) {
  return {
    entryPoints: ['electron/services/sample-systems/sample-emulators-entry.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // sharp (the seed's tray pictures) ships unpacked beside the asar, like the photo pipeline's.
    external: ['sharp'],
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}
