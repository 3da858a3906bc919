export { startEmulators, type RunningEmulators } from '../../emulators/start-emulators';
