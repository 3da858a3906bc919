/**
 * What the app needs of the emulators to run them as its sample systems. Bundled on its own to
 * dist/electron/sample-emulators.cjs (scripts/build.mjs), which ships with the desktop app and is
 * loaded only when someone chooses the sample systems; see load-sample-emulators.ts.
 */
export { startEmulators, type RunningEmulators, type StartEmulatorsOptions } from '../../../emulators/start-emulators';
export { drawTrayPicture } from '../../../emulators/imago/tray-picture';
