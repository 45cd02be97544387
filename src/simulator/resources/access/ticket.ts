/**
 * `POST /access/ticket`: password login, renewal (the ticket posted as the password) and
 * the two-step TFA flow. Every failure is the same 401 on purpose (see authFailure).
 */
import { SERVICES } from '../../../core/services.js';
import { hasPrivileges } from '../../access/acl.js';
import { apiCapabilities } from '../../access/api-capabilities.js';
import { ticketPrefixFor } from '../../access/auth.js';
import { normalizePath, perlPrivilegeDenial } from '../../access/permissions.js';
import { hasSecondFactor, verifySecondFactor } from '../../access/tfa-verify.js';
import type { TicketWindow } from '../../access/tickets.js';
import type { EngineCore } from '../../engine/engine-core.js';
import { type HandlerContext, type HandlerTable, Reply, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import type { UserRecord } from '../../state/access-state.js';

/**
 * Every login failure looks alike, so that nobody learns which part was wrong: PVE's
 * create_ticket turns any error into 401 "authentication failure" (PVE/API2/AccessControl.pm);
 * proxmox-auth-api api/access.rs handle_ticket_creation answers 401 "permission check failed.".
 */
const authFailure = (core: EngineCore): SimError =>
  new SimError(401, rustServer(core) ? 'permission check failed.' : 'authentication failure');

const rustServer = (core: EngineCore): boolean => !SERVICES[core.service].perlServer;

/** proxmox-auth-api api/access.rs authenticate_2nd: a partial ticket is answered within 10 minutes. */
const RUST_CHALLENGE_WINDOW: TicketWindow = { min: -60, max: 600 };

function normalizeUser(core: EngineCore, username: string, realm: string | undefined): string {
  if (core.service === 'PMG') {
    // Anything without one of PMG's realms (a bare name or a mail address) is a quarantine user.
    if (realm !== undefined) return `${username}@${realm}`;
    if (!/@(pam|pmg|quarantine)$/.test(username)) return `${username}@quarantine`;
    // PMG's web login shows `root@pmg`; it is the PAM root.
    return username === 'root@pmg' ? 'root@pam' : username;
  }
  return username.includes('@') || realm === undefined ? username : `${username}@${realm}`;
}

function fullTicket(ctx: HandlerContext, userid: string): Reply {
  const { core } = ctx;
  const now = core.clock.now();
  const ticket = core.signer.create(ticketPrefixFor(core, userid), userid, now);
  const data: Record<string, unknown> = {
    username: userid,
    CSRFPreventionToken: core.signer.csrfToken(userid, now),
  };
  const headers: Record<string, string> = {};
  const httpOnly =
    core.service === 'PDM' ||
    (core.service === 'PBS' && /^(1|true|yes|on)$/i.test(str(ctx.params['http-only']) ?? ''));
  if (httpOnly) {
    data['ticket-info'] = ticket.slice(0, ticket.indexOf('::'));
    headers['set-cookie'] =
      `__Host-${SERVICES[core.service].cookieName}=${encodeURIComponent(ticket)}; Path=/; Secure; HttpOnly; SameSite=Lax`;
  } else {
    data.ticket = ticket;
  }
  if (core.service === 'PVE') data.cap = apiCapabilities(core.access, { userid });
  addClusterName(core, data, userid);
  if (core.service === 'PMG')
    data.role = userid === 'root@pam' ? 'root' : (core.access.users.get(userid)?.pmgRole ?? 'audit');
  return new Reply(data, {}, headers);
}

/**
 * PVE/API2/AccessControl.pm create_ticket: the cluster's name goes to users who may see `/`
 * (Sys.Audit), also on a half-authenticated (NeedTFA) answer.
 */
function addClusterName(core: EngineCore, data: Record<string, unknown>, userid: string): void {
  if (core.service !== 'PVE' || !core.cluster.clusterName) return;
  if (hasPrivileges(core.access, { userid }, '/', ['Sys.Audit'])) data.clustername = core.cluster.clusterName;
}

function challengeTicket(ctx: HandlerContext, user: UserRecord): Reply {
  const { core } = ctx;
  const now = core.clock.now();
  const challenge: Record<string, unknown> = {};
  if (user.totpSecret) challenge.totp = true;
  const available = user.recovery.flatMap((c, i) => (c === null ? [] : [i]));
  if (available.length > 0) challenge.recovery = available;
  const prefix = SERVICES[core.service].ticketPrefix;
  const ticket = core.signer.create(
    prefix,
    `!tfa!${encodeURIComponent(JSON.stringify(challenge))}`,
    now,
    user.userid,
  );
  core.stats.tfaChallenges++;
  const data: Record<string, unknown> = { username: user.userid, ticket };
  if (SERVICES[core.service].perlServer) {
    data.NeedTFA = 1;
    data.CSRFPreventionToken = core.signer.csrfToken(user.userid, now);
    addClusterName(core, data, user.userid);
  } else {
    // PBS and PDM send no flag and a placeholder CSRF token: clients must spot the `!tfa!` ticket.
    data.CSRFPreventionToken = 'invalid';
  }
  return new Reply(data);
}

function checkSecondFactor(core: EngineCore, user: UserRecord, answer: string): boolean {
  return verifySecondFactor(user, answer, core.clock.now());
}

/**
 * Renewal: the ticket posted as the password. PVE create_ticket_do lets root@pam's ticket
 * renew anyone's and refuses a half-authenticated one ("incomplete ticket"); proxmox-auth-api
 * authenticate_user wants the ticket's own user ("ticket login failed - wrong userid").
 * Undefined: not a renewal, go on with the password.
 */
function renewal(core: EngineCore, username: string, password: string): boolean | undefined {
  const renewed = core.signer.verify(password, ticketPrefixFor(core, username), core.clock.now());
  if (!renewed) return undefined;
  if (renewed.data === username) return true;
  if (rustServer(core)) return false;
  return renewed.data === 'root@pam' ? true : undefined;
}

/**
 * PVE 9's `otp` field (PVE/AccessControl.pm authenticate_user -> authenticate_2nd_new_do):
 * checked right after the password as a response to a fresh challenge, so it must name its
 * kind (`totp:123456`, `recovery:...`; proxmox-tfa TfaResponse), a user without a second
 * factor has "no such challenge", and even a right answer still ends in the NeedTFA step
 * (the challenge is returned either way; the old one-step login went with PVE 8).
 */
function pveOtp(ctx: HandlerContext, user: UserRecord, otp: string): Reply {
  if (!hasSecondFactor(user) || !checkSecondFactor(ctx.core, user, otp)) throw authFailure(ctx.core);
  return challengeTicket(ctx, user);
}

/**
 * PVE's `path` + `privs` login (PVE/API2/AccessControl.pm verify_auth): no ticket is made;
 * the user's own ticket or password (authenticate_user in scalar context: no second factor)
 * must be good and the user must hold every listed privilege on the path. It answers the
 * user name with `cap` (and `clustername`), any failure the same 401 as a login.
 */
function verifyAuth(
  ctx: HandlerContext,
  user: UserRecord,
  password: string,
  path: string,
  privs: string,
): Reply {
  const { core } = ctx;
  const ticket = core.signer.verify(password, ticketPrefixFor(core, user.userid), core.clock.now());
  const known = ticket?.data === user.userid || (user.password !== undefined && user.password === password);
  const list = privs.split(/[,;\s]+/).filter((p) => p !== '');
  const normalized = normalizePath(path);
  if (
    !known ||
    list.length === 0 ||
    perlPrivilegeDenial(core.access, { userid: user.userid }, normalized, list)
  )
    throw authFailure(core);
  const data: Record<string, unknown> = {
    username: user.userid,
    cap: apiCapabilities(core.access, { userid: user.userid }),
  };
  addClusterName(core, data, user.userid);
  return new Reply(data);
}

function createTicket(ctx: HandlerContext): Reply {
  const { core, params } = ctx;
  const now = core.clock.now();
  const username = normalizeUser(core, str(params.username) ?? '', str(params.realm));
  const password = str(params.password) ?? '';
  const otp = str(params.otp);
  const challenge = str(params['tfa-challenge']);
  const prefix = ticketPrefixFor(core, username);
  const user = core.access.activeUser(username, now);
  if (!user) throw authFailure(core);
  const path = str(params.path);
  const privs = str(params.privs);
  if (core.service === 'PVE' && path && privs) return verifyAuth(ctx, user, password, path, privs);
  if (otp !== undefined && challenge !== undefined) {
    // PVE create_ticket_do dies inside create_ticket's eval: a login failure like any other.
    if (core.service === 'PVE') throw authFailure(core);
    throw paramError({ otp: "'otp' and 'tfa-challenge' cannot be used together" });
  }

  if (challenge !== undefined) {
    const window = rustServer(core) ? RUST_CHALLENGE_WINDOW : undefined;
    const content = core.signer.verify(challenge, prefix, now, username, window);
    if (!content?.data.startsWith('!tfa!')) throw authFailure(core);
    if (!checkSecondFactor(core, user, password)) throw authFailure(core);
    core.stats.logins++;
    return fullTicket(ctx, username);
  }

  const renewed = renewal(core, username, password);
  if (renewed === false) throw authFailure(core);
  if (renewed) {
    core.stats.renewals++;
    return fullTicket(ctx, username);
  }
  if (user.password === undefined || user.password !== password) throw authFailure(core);
  if (core.service === 'PVE' && otp !== undefined) return pveOtp(ctx, user, otp);
  if (hasSecondFactor(user)) {
    if (SERVICES[core.service].legacyOtp && otp !== undefined) {
      if (
        !checkSecondFactor(core, user, `totp:${otp}`) &&
        !checkSecondFactor(core, user, `recovery:${otp}`)
      ) {
        throw authFailure(core);
      }
    } else if (core.service === 'PMG') {
      // PMG 6 knows only the one-shot `otp` field.
      throw authFailure(core);
    } else {
      return challengeTicket(ctx, user);
    }
  }
  core.stats.logins++;
  return fullTicket(ctx, username);
}

export const ticketHandlers: HandlerTable = {
  'POST /access/ticket': createTicket,
};

/** PVE and PMG: the GET answers nothing; the GUI's login page uses it. There is no DELETE. */
export const perlTicketHandlers: HandlerTable = {
  'GET /access/ticket': () => null,
};

/**
 * PBS and PDM log out with DELETE (proxmox-auth-api api/access.rs logout_handler): the
 * cookie is overwritten with an expired one; the body is built by hand, `data` an empty object.
 */
export const rustTicketHandlers: HandlerTable = {
  'DELETE /access/ticket': (ctx) =>
    new Reply(
      {},
      { status: 200, success: true },
      {
        'set-cookie': `__Host-${SERVICES[ctx.service].cookieName}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; SameSite=Lax; HttpOnly; Path=/;`,
      },
      true,
    ),
};
