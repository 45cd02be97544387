/**
 * `proxmox`: wiring only. Finds the command, imports its module on demand, turns a thrown
 * error into one line on stderr and a documented exit status (exit-codes.ts).
 */
import { readFileSync } from 'node:fs';
import { leadingOptions, UsageError } from './args.js';
import { findCommand, resolveCommand } from './commands/registry.js';
import { EXIT, exitCodeFor, isCertificateRefusal } from './exit-codes.js';
import { GLOBAL_OPTIONS } from './option-tables.js';

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
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`proxmox ${version()}\n`);
    return EXIT.OK;
  }
  // Options before the command: `proxmox --profile lab get /version`.
  const globals = leadingOptions(argv, GLOBAL_OPTIONS);
  const [first, ...rest] = globals.rest;
  if (first === undefined) {
    const help = findCommand('help')!;
    return (await help.load()).run([], help.name, []);
  }
  const command = resolveCommand(first);
  for (const name of Object.keys(globals.options)) {
    if (command.options[name] === undefined) {
      throw new UsageError(`option --${name} does not apply to 'proxmox ${command.name}'`);
    }
  }
  const module = await command.load();
  return module.run(rest, command.name, globals.tokens);
}

/**
 * Node prints process warnings in its own format (`(node:PID) [CODE] Warning: ...`). The SDK
 * warns once per process when certificates go unchecked (PROXMOX_INSECURE_TLS, however that
 * was asked: --insecure, PROXMOX_VERIFY_SSL, a profile): say that in our words instead.
 */
function sayWarningsOurWay(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    const text =
      warning.code === 'PROXMOX_INSECURE_TLS'
        ? "the server's TLS certificate is not checked (--insecure or verifySsl false): anyone on the network path can read the password or token. Pin the certificate instead: leave --insecure out once and proxmox shows its fingerprint and how to pin it"
        : warning.message;
    process.stderr.write(`warning: ${text}\n`);
  });
}
sayWarningsOurWay();

function report(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  // A parameter error carries its own usage line.
  const hint =
    error instanceof UsageError && error.name !== 'ParameterError'
      ? "\n(run 'proxmox help' or 'proxmox <command> --help')"
      : '';
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

main(process.argv.slice(2)).then(exit, async (error: unknown) => {
  report(error);
  if (isCertificateRefusal(error)) {
    const { adviceForRefusal } = await import('./certificate.js');
    process.stderr.write(await adviceForRefusal(process.argv.slice(2)));
  }
  exit(exitCodeFor(error));
});
