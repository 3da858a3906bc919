/**
 * The `corelog` command (package.json `bin` → bin/corelog.mjs → this, bundled to
 * dist/cli/corelog.mjs by scripts/build.mjs). One subcommand for now: `corelog import …`.
 */
import { EXIT, IMPORT_USAGE, runImportCli } from './import-cli';

const [command, ...rest] = process.argv.slice(2);

async function main(): Promise<number> {
  if (command !== 'import') {
    const text = `Corelog's command line.\n\n${IMPORT_USAGE}\n`;
    if (command === undefined || command === '--help' || command === '-h') {
      process.stdout.write(text);
      return EXIT.done;
    }
    process.stderr.write(`Unknown command "${command}".\n\n${text}`);
    return EXIT.usage;
  }
  // The first Ctrl+C (or SIGTERM) pauses the job cleanly; a second one ends at once (the journal
  // still resumes it exactly: the file on its way is looked up on Imago first).
  const interrupted = new Promise<void>((resolve) => {
    const stop = () => {
      process.stderr.write('\nPausing the import (Ctrl+C again to quit at once)…\n');
      process.once('SIGINT', () => process.exit(EXIT.interrupted));
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return runImportCli(rest, {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
    interrupted,
  });
}

main().then(
  (code) => {
    // Kept-alive sockets and timers must not hold the process: the exit code is the answer.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`Corelog's command failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(EXIT.cannotRun);
  },
);
