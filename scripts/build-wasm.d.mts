export interface WasmTools {
  clang: string;
  linker: string;
}
export interface WasmModule {
  source: string;
  name: string;
}
export function findClang(): WasmTools | null;
export function compile(source: string, tools: WasmTools): Buffer;
export function moduleText(module: WasmModule, bytes: Buffer): string;
