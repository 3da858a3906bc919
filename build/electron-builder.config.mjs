// electron-builder configuration for `npm run dist` (see build/PACKAGING.md).
// Exported as a function of the environment so tests can inspect both the release and the
// Playwright-test variant; electron-builder itself uses the default export.

/** Fuses: switches compiled into the Electron binary that no flag or environment variable can undo. */
export function electronFuses({ e2e = false } = {}) {
  return {
    // ELECTRON_RUN_AS_NODE would turn Corelog into a plain Node.js interpreter with our signature on it.
    runAsNode: false,
    // Cookies and other on-disk browser state encrypted with the OS keyring, like the credentials.
    enableCookieEncryption: true,
    // NODE_OPTIONS could preload arbitrary code into the main process.
    enableNodeOptionsEnvironmentVariable: false,
    // --inspect and friends would open a debugger on the main process, which holds the credentials.
    // Playwright's `_electron.launch` needs exactly this: it starts Electron with `--inspect=0` and
    // drives the main process through the Node inspector. Release builds turn it off; a build made
    // with CORELOG_E2E_BUILD=1 (never shipped) keeps it on so Playwright can launch the packaged app.
    // The Playwright suite normally runs the unpackaged runtime (`electron .`), which has no fuses flipped.
    enableNodeCliInspectArguments: e2e,
    // The asar's hash is embedded at build time and checked at start-up (macOS and Windows).
    enableEmbeddedAsarIntegrityValidation: true,
    // Only app.asar is loaded, so nobody can drop a replacement `app/` folder next to it.
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    // The renderer is served from app://, so file:// needs no special powers.
    grantFileProtocolExtraPrivileges: false,
    // Flipping fuses breaks the ad-hoc signature of arm64 macOS builds; re-sign them ad hoc.
    resetAdHocDarwinSignature: true,
  };
}

/** Everything external to the esbuild bundles: sharp and its runtime dependencies (native parts included). */
export const RUNTIME_NODE_MODULES = ['sharp', '@img', 'detect-libc', 'semver'];

export function corelogBuilderConfig({ e2e = false } = {}) {
  return {
    appId: 'com.corelog.desktop',
    productName: 'Corelog',
    executableName: 'corelog',
    copyright: 'Copyright © Corelog contributors',
    directories: { output: 'release', buildResources: 'build' },
    // Only the built app: the bundles in dist/ already contain every dependency except sharp, so
    // node_modules is cut down to sharp's runtime closure. No sources, tests, maps or the browser-mode server.
    files: [
      'dist/electron/main.cjs',
      'dist/electron/preload.cjs',
      'dist/electron/decode-worker.cjs',
      'dist/electron/structure-thread.cjs',
      // The sample systems (the emulators), run by the app when someone tries it without an account.
      'dist/electron/sample-emulators.cjs',
      'dist/renderer/**/*',
      'package.json',
      '!**/*.map',
      '!**/*.{ts,tsx,mts,cts}',
      '!node_modules/**',
      // sharp's closure is copied explicitly instead of trusting electron-builder's `npm list`
      // collector, which can lose dependencies (seen with a linked node_modules) and would then
      // ship an app whose image pipeline cannot load.
      ...RUNTIME_NODE_MODULES.map((name) => ({
        from: `node_modules/${name}`,
        to: `node_modules/${name}`,
        // Declaration files, docs and sharp's build-from-source inputs are not needed at run time.
        filter: ['**/*', '!**/*.d.{ts,mts,cts}', '!**/{README*,CHANGELOG*,*.md,test,tests,__tests__}', '!src/**', '!install/**'],
      })),
    ],
    asar: true,
    // Native code cannot be loaded from inside an asar archive.
    asarUnpack: ['**/node_modules/sharp/**', '**/node_modules/@img/**'],
    // sharp ships prebuilt binaries per platform; nothing to compile, and nothing to download.
    npmRebuild: false,
    electronFuses: electronFuses({ e2e }),
    artifactName: '${productName}-${version}-${os}-${arch}.${ext}',
    // electron-updater's generic provider: the real feed URL is set at run time from the user's
    // settings (auto-update is off by default); this only makes the build write latest*.yml.
    publish: [{ provider: 'generic', url: 'https://updates.invalid/corelog/' }],
    linux: {
      target: ['AppImage', 'deb'],
      category: 'Science',
      icon: 'build/icons',
      synopsis: 'Offline-first field logging for geoscience crews',
      maintainer: 'Corelog <corelog@example.invalid>',
    },
    deb: { artifactName: '${name}_${version}_${arch}.${ext}' },
    win: { target: ['nsis'], icon: 'build/icons/256x256.png' },
    // One file, no admin rights needed (field laptops often have none); asks where to install.
    nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, createDesktopShortcut: true },
    mac: { target: ['dmg'], category: 'public.app-category.productivity', icon: 'build/icons/1024x1024.png', hardenedRuntime: true },
    dmg: { artifactName: '${productName}-${version}-mac-${arch}.${ext}' },
  };
}

export default corelogBuilderConfig({ e2e: process.env.CORELOG_E2E_BUILD === '1' });
