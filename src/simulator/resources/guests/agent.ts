/**
 * The QEMU guest agent: `ping`, `exec` and `exec-status`, `file-read` and `file-write`,
 * plus a few read-only commands. Commands need a running VM with the agent enabled in its
 * config and the agent up (qemu-server PVE/QemuServer/Agent.pm assert_agent_available: a
 * freshly started VM answers "QEMU guest agent is not running" until its agent is up,
 * here AGENT_BOOT_MS after the start). `exec` runs a tiny deterministic "shell" so scripts
 * can assert on output; `input-data` is its stdin.
 */

import type { HandlerContext, HandlerTable } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { Guest } from '../../state/cluster-state.js';
import { findGuest } from './common.js';

interface AgentProcess {
  exitAt: number;
  exitcode: number;
  /** Set when a signal ended the process: qemu-ga reports `signal` then and no exitcode. */
  signal?: number;
  out: string;
  err: string;
  /** How long the process runs (default 20 ms). */
  runsMs?: number;
}

const processes = new WeakMap<Guest, Map<number, AgentProcess>>();
let nextPid = 1000;
/** Simulator-clock milliseconds from a VM's start until its agent answers. */
export const AGENT_BOOT_MS = 1500;
/** Each VM's files as the agent sees them; /etc/hostname is derived from the guest name. */
const files = new WeakMap<Guest, Map<string, Buffer>>();
/** PVE/API2/Qemu/Agent.pm $MAX_READ_SIZE. */
const MAX_READ_SIZE = 16 * 1024 * 1024;

function agentGuest(ctx: HandlerContext): Guest {
  const guest = findGuest(ctx, 'qemu');
  if (!/^(1|enabled=1)/.test(guest.config.agent ?? ''))
    throw new SimError(500, 'No QEMU guest agent configured');
  if (guest.status !== 'running') throw new SimError(500, `VM ${guest.vmid} is not running`);
  if (guest.startedAt !== undefined && ctx.core.clock.now() - guest.startedAt < AGENT_BOOT_MS)
    throw new SimError(500, 'QEMU guest agent is not running');
  return guest;
}

function fileTable(ctx: HandlerContext, guest: Guest): Map<string, Buffer> {
  let table = files.get(guest);
  if (!table) {
    table = new Map([['/etc/hostname', Buffer.from(`${ctx.core.cluster.guestName(guest)}\n`)]]);
    files.set(guest, table);
  }
  return table;
}

function run(
  ctx: HandlerContext,
  guest: Guest,
  argv: string[],
  input: string | undefined,
): Omit<AgentProcess, 'exitAt'> {
  const [cmd = '', ...args] = argv;
  switch (cmd) {
    case 'echo':
      return { exitcode: 0, out: `${args.join(' ')}\n`, err: '' };
    case 'hostname':
      return { exitcode: 0, out: `${ctx.core.cluster.guestName(guest)}\n`, err: '' };
    case 'uname':
      return {
        exitcode: 0,
        out: args.includes('-a') ? 'Linux sim 6.8.0 #1 SMP x86_64 GNU/Linux\n' : 'Linux\n',
        err: '',
      };
    case 'true':
      return { exitcode: 0, out: '', err: '' };
    case 'sleep':
      return { exitcode: 0, out: '', err: '', runsMs: Number(args[0] ?? 0) * 1000 || 0 };
    case 'false':
      return { exitcode: 1, out: '', err: '' };
    case 'cat': {
      if (args.length === 0) return { exitcode: 0, out: input ?? '', err: '' };
      const content = fileTable(ctx, guest).get(args[0] ?? '');
      return content
        ? { exitcode: 0, out: content.toString('utf8'), err: '' }
        : { exitcode: 1, out: '', err: `cat: ${args[0] ?? ''}: No such file or directory\n` };
    }
    case 'sh':
      // `sh -c 'exit N'`: a way for scripts to see an exit code of their choice.
      if (args[0] === '-c' && /^exit \d+$/.test(args[1] ?? ''))
        return { exitcode: Number(args[1]!.slice(5)) & 0xff, out: '', err: '' };
      // `sh -c 'kill -N $$'`: the shell dies of signal N (qemu qga/commands.c
      // qmp_guest_exec_status: WIFSIGNALED gives `signal` = WTERMSIG and leaves exitcode out).
      if (args[0] === '-c' && /^kill -\d+ \$\$$/.test(args[1] ?? ''))
        return { exitcode: -1, signal: Number(args[1]!.split(' ')[1]!.slice(1)), out: '', err: '' };
      return { exitcode: 2, out: '', err: 'sh: only -c "exit N" and -c "kill -N $$" are simulated\n' };
    default:
      return { exitcode: 127, out: '', err: `sh: 1: ${cmd}: not found\n` };
  }
}

function exec(ctx: HandlerContext): unknown {
  const guest = agentGuest(ctx);
  const raw = ctx.params.command;
  const argv = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (argv.length === 0)
    throw new SimError(400, 'Parameter verification failed.', {
      command: 'property is missing and it is not optional',
    });
  let table = processes.get(guest);
  if (!table) {
    table = new Map();
    processes.set(guest, table);
  }
  const pid = nextPid++;
  const input = typeof ctx.params['input-data'] === 'string' ? ctx.params['input-data'] : undefined;
  const proc = run(ctx, guest, argv, input);
  table.set(pid, { ...proc, exitAt: ctx.core.clock.now() + (proc.runsMs ?? 20) });
  return { pid };
}

function execStatus(ctx: HandlerContext): unknown {
  const guest = agentGuest(ctx);
  const pid = Number(ctx.params.pid);
  const proc = processes.get(guest)?.get(pid);
  if (!proc) throw new SimError(500, `Agent error: Invalid parameter 'pid'`);
  if (ctx.core.clock.now() < proc.exitAt) return { exited: 0 };
  const out: Record<string, unknown> =
    proc.signal === undefined ? { exited: 1, exitcode: proc.exitcode } : { exited: 1, signal: proc.signal };
  if (proc.out) out['out-data'] = proc.out;
  if (proc.err) out['err-data'] = proc.err;
  return out;
}

/** decode=1 (default) gives the bytes; decode=0 the agent's base64 (binary-safe over JSON). */
function fileRead(ctx: HandlerContext): unknown {
  const guest = agentGuest(ctx);
  const path = String(ctx.params.file ?? '');
  const content = fileTable(ctx, guest).get(path);
  if (!content)
    throw new SimError(500, `Agent error: Failed to open file '${path}': No such file or directory`);
  const offset = Number(ctx.params.offset ?? 0);
  const count = Number(ctx.params.count ?? MAX_READ_SIZE);
  const part = content.subarray(offset, offset + count);
  const decode = String(ctx.params.decode ?? '1') !== '0';
  const out: Record<string, unknown> = {
    content: decode ? part.toString('latin1') : part.toString('base64'),
    'bytes-read': part.length,
  };
  if (offset + count < content.length) out.truncated = 1;
  return out;
}

/** encode=1 (default): `content` is the text itself; encode=0: it is already base64. */
function fileWrite(ctx: HandlerContext): null {
  const guest = agentGuest(ctx);
  const content = String(ctx.params.content ?? '');
  const encode = String(ctx.params.encode ?? '1') !== '0';
  fileTable(ctx, guest).set(
    String(ctx.params.file ?? ''),
    encode ? Buffer.from(content, 'utf8') : Buffer.from(content, 'base64'),
  );
  return null;
}

const wrap = (result: unknown) => (ctx: HandlerContext) => {
  agentGuest(ctx);
  return { result };
};

export const agentHandlers: HandlerTable = {
  'POST /nodes/{node}/qemu/{vmid}/agent/ping': wrap({}),
  'POST /nodes/{node}/qemu/{vmid}/agent/exec': exec,
  'GET /nodes/{node}/qemu/{vmid}/agent/exec-status': execStatus,
  'GET /nodes/{node}/qemu/{vmid}/agent/file-read': fileRead,
  'POST /nodes/{node}/qemu/{vmid}/agent/file-write': fileWrite,
  'GET /nodes/{node}/qemu/{vmid}/agent/get-host-name': (ctx) => ({
    result: { 'host-name': ctx.core.cluster.guestName(agentGuest(ctx)) },
  }),
  'GET /nodes/{node}/qemu/{vmid}/agent/get-osinfo': wrap({
    id: 'debian',
    name: 'Debian GNU/Linux',
    'pretty-name': 'Debian GNU/Linux 13 (trixie)',
    'kernel-release': '6.12.0-amd64',
    machine: 'x86_64',
  }),
  'GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces': (ctx) => {
    const guest = agentGuest(ctx);
    const mac =
      /=([0-9A-Fa-f:]{17})/.exec(guest.config.net0 ?? '')?.[1]?.toLowerCase() ?? 'bc:24:11:00:00:01';
    return {
      result: [
        {
          name: 'lo',
          'hardware-address': '00:00:00:00:00:00',
          'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }],
        },
        {
          name: 'eth0',
          'hardware-address': mac,
          'ip-addresses': [
            {
              'ip-address': `10.0.${(guest.vmid >> 8) & 0xff}.${guest.vmid & 0xff}`,
              'ip-address-type': 'ipv4',
              prefix: 24,
            },
          ],
        },
      ],
    };
  },
};
