// Types for tests that inspect the packaging configuration.
export interface CorelogFuses {
  runAsNode: boolean;
  enableCookieEncryption: boolean;
  enableNodeOptionsEnvironmentVariable: boolean;
  enableNodeCliInspectArguments: boolean;
  enableEmbeddedAsarIntegrityValidation: boolean;
  onlyLoadAppFromAsar: boolean;
  loadBrowserProcessSpecificV8Snapshot: boolean;
  grantFileProtocolExtraPrivileges: boolean;
  resetAdHocDarwinSignature: boolean;
}
export function electronFuses(options?: { e2e?: boolean }): CorelogFuses;
export const RUNTIME_NODE_MODULES: string[];
export function corelogBuilderConfig(options?: { e2e?: boolean }): Record<string, unknown> & {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  electronFuses: CorelogFuses;
  artifactName: string;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
};
declare const config: ReturnType<typeof corelogBuilderConfig>;
export default config;
