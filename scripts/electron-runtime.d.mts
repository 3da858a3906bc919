export function findElectronRuntime(): { available: true; path: string } | { available: false; reason: string };
