/**
 * termproxy, vncproxy, vncwebsocket and /access/vncticket, after pve-manager
 * PVE/API2/Nodes.pm, qemu-server PVE/API2/Qemu.pm, pve-container src/PVE/API2/LXC.pm and
 * pve-access-control src/PVE/API2/AccessControl.pm (verify_vnc_ticket). The proxy calls
 * hand out a port and a short-lived ticket bound to the caller's auth id (a token's too:
 * `user@realm!name`), the ACL path and the port; the websocket upgrade itself is served
 * by ./upgrade.ts.
 */
import { authId, type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { GuestType } from '../../state/cluster-state.js';
import { findGuest, requireNode } from '../guests/common.js';
import { type ConsoleKind, freePort, register, type TerminalTarget } from './sessions.js';
import { termproxyCommand } from './termproxy-command.js';
import {
  assembleVncTicket,
  consoleTicketValid,
  generateVncPassword,
  PVE_VNC,
  verifyVncTicket,
} from './vnc-ticket.js';

/** Worker tasks run until their client leaves; the session ends them. */
const UNTIL_CLOSED_MS = 24 * 3600_000;

interface ProxyTarget {
  node: string;
  path: string;
  perm: string;
  taskType: string;
  taskId: string;
  target: TerminalTarget;
}

function guestTarget(ctx: HandlerContext, type: GuestType): ProxyTarget {
  const guest = findGuest(ctx, type);
  // Qemu.pm termproxy: without `serial`, a display of type serialN names the port.
  const vga = /(?:^|,)(?:type=)?(serial\d)(?:,|$)/.exec(guest.config.vga ?? '')?.[1];
  const serial = str(ctx.params.serial) ?? vga;
  return {
    node: guest.node,
    path: `/vms/${guest.vmid}`,
    perm: 'VM.Console',
    taskType: 'vncproxy',
    taskId: String(guest.vmid),
    target: type === 'qemu' ? { type, guest, serial } : { type, guest },
  };
}

function nodeTarget(ctx: HandlerContext): ProxyTarget {
  const node = requireNode(ctx.core, str(ctx.params.node));
  // Nodes.pm names the worker 'vncshell' for both vncshell and termproxy.
  return {
    node,
    path: `/nodes/${node}`,
    perm: 'Sys.Console',
    taskType: 'vncshell',
    taskId: '',
    // get_shell_command: `cmd` counts for root@pam only; everyone else gets /bin/login.
    target:
      str(ctx.params.cmd) === 'upgrade' && authId(ctx.subject) === 'root@pam'
        ? { type: 'node', node, upgrade: true }
        : { type: 'node', node },
  };
}

function openProxy(ctx: HandlerContext, where: ProxyTarget, kind: ConsoleKind): Record<string, unknown> {
  const core = ctx.core;
  const user = authId(ctx.subject);
  const port = freePort(core);
  const ticket = assembleVncTicket(core, user, where.path, port);
  const task = core.tasks.start({
    node: where.node,
    type: where.taskType,
    id: where.taskId,
    user,
    durationMs: UNTIL_CLOSED_MS,
  });
  const password = kind === 'vnc' ? generateVncPassword() : undefined;
  register(core, {
    port,
    kind,
    ticket,
    ...(password === undefined ? {} : { password }),
    authid: user,
    path: where.path,
    perm: where.perm,
    target: where.target,
    task,
    ticketKind: PVE_VNC,
    // termproxy prints its error and exits 1; run_command's die is then the task's status.
    ...(kind === 'term'
      ? {
          failureStatus: `command '${termproxyCommand(where.target, port, where.path, where.perm, user)}' failed: exit code 1`,
        }
      : {}),
  });
  if (password === undefined) return { user, ticket, port, upid: task.upid };
  // The ticket carries the password in front ("FIXME: MAJOR VERSION" in Qemu.pm); the
  // explicit `password` field is what new clients use. `cert` is the cluster CA (empty here).
  return { user, ticket: `${password}:${ticket}`, password, port, upid: task.upid, cert: '' };
}

/** GET .../vncwebsocket: the ticket must fit the caller, the path and the port (verify_vnc_ticket). */
function vncWebsocket(resolve: (ctx: HandlerContext) => { path: string }) {
  return (ctx: HandlerContext) => {
    const { path } = resolve(ctx);
    const port = Number(str(ctx.params.port));
    if (!verifyVncTicket(ctx.core, str(ctx.params.vncticket) ?? '', authId(ctx.subject), path, port))
      throw new SimError(500, 'permission denied - invalid PVEVNC ticket');
    return { port: String(port) };
  };
}

function verifyTicketCall(ctx: HandlerContext): null {
  const port = str(ctx.params.port);
  const ok = consoleTicketValid(
    ctx.core,
    str(ctx.params.authid) ?? '',
    str(ctx.params.vncticket) ?? '',
    str(ctx.params.path) ?? '',
    str(ctx.params.privs) ?? '',
    port === undefined ? undefined : Number(port),
  );
  if (!ok) throw new SimError(401, 'authentication failure');
  return null;
}

const guestPath = (type: GuestType) => (ctx: HandlerContext) => ({
  path: `/vms/${findGuest(ctx, type).vmid}`,
});

export const consoleHandlers: HandlerTable = {
  'POST /nodes/{node}/termproxy': (ctx) => openProxy(ctx, nodeTarget(ctx), 'term'),
  'GET /nodes/{node}/vncwebsocket': vncWebsocket((ctx) => nodeTarget(ctx)),
  'POST /nodes/{node}/qemu/{vmid}/termproxy': (ctx) => openProxy(ctx, guestTarget(ctx, 'qemu'), 'term'),
  'POST /nodes/{node}/qemu/{vmid}/vncproxy': (ctx) => openProxy(ctx, guestTarget(ctx, 'qemu'), 'vnc'),
  'GET /nodes/{node}/qemu/{vmid}/vncwebsocket': vncWebsocket(guestPath('qemu')),
  'POST /nodes/{node}/lxc/{vmid}/termproxy': (ctx) => openProxy(ctx, guestTarget(ctx, 'lxc'), 'term'),
  'POST /nodes/{node}/lxc/{vmid}/vncproxy': (ctx) => openProxy(ctx, guestTarget(ctx, 'lxc'), 'vnc'),
  'GET /nodes/{node}/lxc/{vmid}/vncwebsocket': vncWebsocket(guestPath('lxc')),
  'POST /access/vncticket': verifyTicketCall,
};
