// Bundled to dist/electron/web.mjs; `npm run web` runs it.
import { runWebCli } from './web-cli';

declare const __APP_VERSION__: string;

runWebCli(process.argv.slice(2), __APP_VERSION__).catch((error: unknown) => {
  console.error(`Corelog could not start in browser mode: ${(error as Error).message}`);
  process.exit(1);
});
