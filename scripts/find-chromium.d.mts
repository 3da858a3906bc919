// Types for scripts/find-chromium.mjs (imported by playwright.config.ts and its tests).
export type ChromiumSource = 'CHROMIUM_PATH' | 'playwright' | 'system';
export type FoundChromium = { path: string; source: ChromiumSource } | { path: null; problem: string };

export interface FindChromiumOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  isExecutable?: (path: string) => boolean;
  playwrightPath?: () => string | null;
}

export interface InstallPlan {
  label: string;
  steps: [string, string[]][];
  env: Record<string, string>;
}

export interface InstallOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  isRoot?: boolean;
  hasApt?: boolean;
  playwrightCli?: string | null;
}

export interface EnsureChromiumOptions extends FindChromiumOptions, InstallOptions {
  install?: boolean;
  log?: (line: string) => void;
  run?: (step: [string, string[]], env: Record<string, string>) => boolean;
  plans?: InstallPlan[];
  command?: string;
}

export type EnsuredChromium = { path: string; source: ChromiumSource; installed: boolean } | { path: null; problem: string; command: string };

export const SYSTEM_BROWSER_NAMES: Record<'linux' | 'darwin' | 'win32', string[]>;
export function systemBrowserFolders(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[];
export function isExecutableFile(path: string, platform?: NodeJS.Platform): boolean;
export function playwrightChromiumPath(): string | null;
export function findChromium(options?: FindChromiumOptions): FoundChromium;
export function installPlans(options?: InstallOptions): InstallPlan[];
export function installCommand(options?: InstallOptions): string;
export function ensureChromium(options?: EnsureChromiumOptions): EnsuredChromium;
