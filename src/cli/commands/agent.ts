/**
 * `proxmox agent wait|file-read|file-write <vmid> ...`: the QEMU guest agent's other jobs
 * (exec has its own command). Files go through as bytes, so binary content survives:
 * file-read writes the file to stdout, file-write reads it from stdin.
 */
import { flag, parseArgs, UsageError } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { AGENT_SUBCOMMANDS } from '../guest/command-words.js';
import { secondsOption } from '../guest/seconds.js';
import { withSession } from '../guest/session.js';
import { findVm } from '../guest/target.js';
import { commandHelp } from './help.js';
import { findCommand } from './registry.js';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

export async function run(argv: string[], name = 'agent', globals: readonly string[] = []): Promise<number> {
  const info = findCommand(name)!;
  const parsed = parseArgs([...globals, ...argv], info.options, false);
  const o = parsed.options;
  const [sub, ref, path, ...extra] = parsed.positionals;
  if (flag(o, 'help') || sub === undefined) {
    process.stdout.write(commandHelp(name));
    return sub === undefined && !flag(o, 'help') ? EXIT.USAGE : EXIT.OK;
  }
  if (!(AGENT_SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(`unknown agent command '${sub}'; expected ${AGENT_SUBCOMMANDS.join(', ')}`);
  }
  const needsPath = sub !== 'wait';
  if (needsPath && path === undefined)
    throw new UsageError(`agent ${sub}: missing the file's path in the guest`);
  const tooMany = needsPath ? extra : [path, ...extra].filter((w) => w !== undefined);
  if (tooMany.length > 0) throw new UsageError(`too many arguments: ${tooMany.join(' ')}`);
  if (sub === 'file-write' && flag(o, 'password-stdin')) {
    throw new UsageError('agent file-write reads the file from stdin; give the password another way');
  }
  const timeoutMs = secondsOption(o, 'timeout', 300_000);
  const node = typeof o.node === 'string' ? o.node : undefined;
  // Read stdin first: on a terminal, a password prompt would read from it too.
  const content = sub === 'file-write' ? await readStdin() : undefined;
  return withSession(o, async (session) => {
    const vm = await findVm(session, ref, node);
    const agent = session.px.agent(vm.node, vm.vmid);
    const signal = session.signal;
    if (sub === 'wait') await agent.waitReady({ timeoutMs, signal });
    else if (sub === 'file-read') process.stdout.write(await agent.readFile(path!, { signal }));
    else await agent.writeFile(path!, content!, { signal });
    return EXIT.OK;
  });
}
