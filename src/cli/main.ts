/**
 * `proxmox`: wiring only. Finds the command, imports its module on demand, turns a thrown
 * error into one line on stderr and a documented exit status (exit-codes.ts).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { UsageError } from './args.js';
import { findCommand } from './commands/registry.js';
import { EXIT, exitCodeFor } from './exit-codes.js';

// A command makes a request or two. V8's optimising compile of undici's HTTP parser
// (WebAssembly) runs in the background and holds the exit back by ~200 ms; the baseline
// compiler alone is plenty here. Set before anything loads undici.
setFlagsFromString('--liftoff-only');

function version(): string {
  // dist/cli.js and src/cli/main.ts sit at different depths below package.json.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'proxmox-sdk') return pkg.version ?? 'unknown';
    } catch {
      // try the next place
    }
  }
  return 'unknown';
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    process.stdout.write(`proxmox ${version()}\n`);
    return EXIT.OK;
  }
  const name = first === undefined || first === '--help' || first === '-h' ? 'help' : first;
  const command = findCommand(name);
  if (command === undefined) {
    throw new UsageError(`unknown command '${first}'; run 'proxmox help' for the list`);
  }
  const module = await command.load();
  return module.run(name === first ? rest : [], command.name);
}

function report(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof UsageError ? "\n(run 'proxmox help' or 'proxmox <command> --help')" : '';
  process.stderr.write(`${message.trimEnd()}${hint}\n`);
}

/** Exits once stdout has taken everything (pipes to a slow reader may still hold data). */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

// `proxmox get ... | head`: a reader that leaves early is no error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.OK);
  throw error;
});

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  report(error);
  exit(exitCodeFor(error));
});
