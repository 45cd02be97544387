/**
 * The QEMU guest agent: `ping`, `exec` and `exec-status`, plus a few read-only commands.
 * Commands need a running VM with the agent enabled in its config, as on PVE. `exec`
 * runs a tiny deterministic "shell" so scripts can assert on output.
 */

import type { HandlerContext, HandlerTable } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { Guest } from '../../state/cluster-state.js';
import { findGuest } from './common.js';

interface AgentProcess {
  exitAt: number;
  exitcode: number;
  out: string;
  err: string;
}

const processes = new WeakMap<Guest, Map<number, AgentProcess>>();
let nextPid = 1000;

function agentGuest(ctx: HandlerContext): Guest {
  const guest = findGuest(ctx, 'qemu');
  if (!/^(1|enabled=1)/.test(guest.config.agent ?? ''))
    throw new SimError(500, 'No QEMU guest agent configured');
  if (guest.status !== 'running') throw new SimError(500, `VM ${guest.vmid} is not running`);
  return guest;
}

function run(ctx: HandlerContext, guest: Guest, argv: string[]): Omit<AgentProcess, 'exitAt'> {
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
    case 'false':
      return { exitcode: 1, out: '', err: '' };
    case 'cat':
      return args[0] === '/etc/hostname'
        ? { exitcode: 0, out: `${ctx.core.cluster.guestName(guest)}\n`, err: '' }
        : { exitcode: 1, out: '', err: `cat: ${args[0] ?? ''}: No such file or directory\n` };
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
  table.set(pid, { ...run(ctx, guest, argv), exitAt: ctx.core.clock.now() + 20 });
  return { pid };
}

function execStatus(ctx: HandlerContext): unknown {
  const guest = agentGuest(ctx);
  const pid = Number(ctx.params.pid);
  const proc = processes.get(guest)?.get(pid);
  if (!proc) throw new SimError(500, `Agent error: Invalid parameter 'pid'`);
  if (ctx.core.clock.now() < proc.exitAt) return { exited: 0 };
  const out: Record<string, unknown> = { exited: 1, exitcode: proc.exitcode };
  if (proc.out) out['out-data'] = proc.out;
  if (proc.err) out['err-data'] = proc.err;
  return out;
}

const wrap = (result: unknown) => (ctx: HandlerContext) => {
  agentGuest(ctx);
  return { result };
};

export const agentHandlers: HandlerTable = {
  'POST /nodes/{node}/qemu/{vmid}/agent/ping': wrap({}),
  'POST /nodes/{node}/qemu/{vmid}/agent/exec': exec,
  'GET /nodes/{node}/qemu/{vmid}/agent/exec-status': execStatus,
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
