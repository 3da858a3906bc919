// The few globals that exist in every process Corelog runs in (Node, Electron main, preload,
// renderer). Common code may use these and nothing else from its host.
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
