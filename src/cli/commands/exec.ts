/**
 * `proxmox exec <vmid> [options] -- <command> [args...]`: runs a program in a VM through
 * the QEMU guest agent (no shell in between: each word is one argument, as PVE's `command`
 * array takes them) and behaves like the program did: its stdout on stdout, its stderr on
 * stderr, its exit status as ours (128+N for a signal, as shells report it).
 */
import { readFileSync } from 'node:fs';
import { flag, UsageError } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { secondsOption } from '../guest/seconds.js';
import { withSession } from '../guest/session.js';
import { findVm } from '../guest/target.js';
import { ownCommandLine } from './command-line.js';

/** qemu-server's `input-data` maxLength (PVE/API2/Qemu/Agent.pm, the exec method). */
const MAX_INPUT = 65536;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function inputData(o: Record<string, string | true>): Promise<string | undefined> {
  const text = o['input-data'];
  const file = o['input-file'];
  if (text !== undefined && file !== undefined) {
    throw new UsageError('--input-data and --input-file: give the input one way');
  }
  if (file === '-' && flag(o, 'password-stdin')) {
    throw new UsageError('--input-file - and --password-stdin both want stdin');
  }
  let data: string | undefined;
  if (typeof text === 'string') data = text;
  else if (typeof file === 'string') {
    try {
      data = (file === '-' ? await readAll(process.stdin) : readFileSync(file)).toString('utf8');
    } catch (error) {
      throw new UsageError(`--input-file: cannot read '${file}': ${(error as Error).message}`);
    }
  }
  if (data !== undefined && Buffer.byteLength(data) > MAX_INPUT) {
    throw new UsageError(
      `the input is ${Buffer.byteLength(data)} bytes; the guest agent takes at most ${MAX_INPUT} (input-data)`,
    );
  }
  return data;
}

export async function run(argv: string[], name = 'exec', globals: readonly string[] = []): Promise<number> {
  const parsed = ownCommandLine(name, argv, globals);
  if (parsed === undefined) return EXIT.OK;
  const o = parsed.options;
  const [ref, ...command] = parsed.positionals;
  if (command.length === 0) {
    throw new UsageError('missing the command: proxmox exec <vmid> [options] -- <command> [args...]');
  }
  const format = o['output-format'] ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'json-pretty') {
    throw new UsageError('--output-format: exec prints text, json or json-pretty');
  }
  const timeoutMs = secondsOption(o, 'timeout', 60_000);
  const waitMs = flag(o, 'wait-agent') ? secondsOption(o, 'wait-timeout', 300_000) : undefined;
  const input = await inputData(o);
  const node = typeof o.node === 'string' ? o.node : undefined;
  return withSession(o, async (session) => {
    const vm = await findVm(session, ref, node);
    const agent = session.px.agent(vm.node, vm.vmid);
    if (waitMs !== undefined) await agent.waitReady({ timeoutMs: waitMs, signal: session.signal });
    const result = await agent.exec(command, {
      timeoutMs,
      signal: session.signal,
      ...(input === undefined ? {} : { input }),
    });
    // A program killed by signal N: 128+N, as sh reports it (qemu-ga sets `signal` then, not exitcode).
    const status =
      result.signal !== undefined
        ? 128 + result.signal
        : result.exitCode < 0
          ? EXIT.SERVER_ERROR
          : result.exitCode & 0xff;
    if (format !== 'text') {
      // As qemu-ga reports it: exitcode for a normal end, signal (and no exitcode) for a killed one.
      const { exitCode, signal, stdout, stderr, truncated } = result;
      const end = signal === undefined ? { exitcode: exitCode } : { signal };
      const doc = { ...end, stdout, stderr, truncated };
      process.stdout.write(`${JSON.stringify(doc, null, format === 'json-pretty' ? 2 : undefined)}\n`);
      return status;
    }
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (result.truncated) {
      process.stderr.write('proxmox exec: the guest agent kept only the start of the output\n');
    }
    return status;
  });
}
