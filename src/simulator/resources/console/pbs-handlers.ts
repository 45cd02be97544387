/**
 * PBS node shells, after proxmox-backup src/api2/node/mod.rs (termproxy,
 * upgrade_to_websocket) and src/auth.rs (check_path_ticket): users of realm pam only, no
 * API tokens, the ticket a PBSTERM ticket bound to `user@pam`, `/system` and the port, and
 * the answer's `user` the bare user name. The proxy behind the port is the same termproxy
 * as on PVE (./terminal.ts); the websocket upgrade is served by ./upgrade.ts.
 */
import { type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import { register, sessionsOf } from './sessions.js';
import { assembleVncTicket, PBS_TERM, verifyVncTicket } from './vnc-ticket.js';

const PATH = '/system';
const PERM = 'Sys.Console';
/** What upgrade() and termproxy() bail with for a token (400, as every anyhow error there). */
const NO_TOKENS = 'API tokens cannot access this API endpoint';

/** The user behind the call; PBS consoles are "intentionally user only". */
function consoleUser(ctx: HandlerContext): string {
  const subject = ctx.subject;
  if (subject === undefined) return 'root@pam';
  if (subject.tokenid !== undefined) throw new SimError(400, NO_TOKENS);
  return subject.userid;
}

/** The listener is bound to port 0: the kernel picks a free ephemeral port. */
function ephemeralPort(ctx: HandlerContext): number {
  for (;;) {
    const port = 32768 + Math.floor(Math.random() * 28232);
    if (!sessionsOf(ctx.core).has(port)) return port;
  }
}

function termproxy(ctx: HandlerContext): Record<string, unknown> {
  const userid = consoleUser(ctx);
  if (!userid.endsWith('@pam')) throw new SimError(400, 'only pam users can use the console');
  const cmd = str(ctx.params.cmd);
  if (cmd === 'upgrade' && userid !== 'root@pam') throw new SimError(400, 'only root@pam can upgrade');
  if (cmd !== undefined && cmd !== 'login' && cmd !== 'upgrade') throw new SimError(400, 'invalid command');
  const core = ctx.core;
  const port = ephemeralPort(ctx);
  const ticket = assembleVncTicket(core, userid, PATH, port, PBS_TERM);
  const task = core.tasks.start({
    node: core.localNode,
    type: 'termproxy',
    id: '',
    user: userid,
    durationMs: 24 * 3600_000,
  });
  register(core, {
    port,
    kind: 'term',
    ticket,
    authid: userid,
    path: PATH,
    perm: PERM,
    target:
      cmd === 'upgrade'
        ? { type: 'node', node: core.localNode, upgrade: true }
        : { type: 'node', node: core.localNode },
    task,
    ticketKind: PBS_TERM,
    // The worker bails with the exit code; termproxy's words are in the log.
    failureStatus: 'termproxy exited with 1',
  });
  // "FIXME: We're returning the user NAME only?" (mod.rs): the realm is dropped here.
  return { user: userid.slice(0, userid.lastIndexOf('@')), ticket, port, upid: task.upid };
}

/** upgrade_to_websocket: verifies the ticket itself ("will be checked again by termproxy"). */
function vncwebsocket(ctx: HandlerContext): Record<string, unknown> {
  const userid = consoleUser(ctx);
  const port = Number(str(ctx.params.port));
  if (!verifyVncTicket(ctx.core, str(ctx.params.vncticket) ?? '', userid, PATH, port, PBS_TERM))
    throw new SimError(400, 'ticket with invalid signature');
  return { port: String(port) };
}

export const pbsConsoleHandlers: HandlerTable = {
  'POST /nodes/{node}/termproxy': termproxy,
  'GET /nodes/{node}/vncwebsocket': vncwebsocket,
};
