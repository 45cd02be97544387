/**
 * `POST /access/ticket`: password login, renewal (the ticket posted as the password) and
 * the two-step TFA flow. Every failure is a bare 401 "authentication failure" on purpose.
 */
import { SERVICES } from '../../../core/services.js';
import type { Subject } from '../../access/acl.js';
import { privilegesOn } from '../../access/acl.js';
import { ticketPrefixFor } from '../../access/auth.js';
import { verifyTotp } from '../../access/totp.js';
import type { EngineCore } from '../../engine/engine-core.js';
import { type HandlerContext, type HandlerTable, Reply, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import type { UserRecord } from '../../state/access-state.js';

const authFailure = (): SimError => new SimError(401, 'authentication failure');

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

function hasSecondFactor(user: UserRecord): boolean {
  return user.totpSecret !== undefined || user.recovery.some((c) => c !== null);
}

const CAP_GROUPS: Record<string, string[]> = {
  vms: ['/vms', 'VM.'],
  storage: ['/storage', 'Datastore.'],
  access: ['/access', 'User.', 'Group.', 'Realm.', 'Permissions.'],
  nodes: ['/nodes', 'Sys.'],
  dc: ['/', 'Sys.Audit', 'Sys.Modify', 'SDN.'],
  sdn: ['/sdn', 'SDN.'],
  mapping: ['/mapping', 'Mapping.'],
};

/** PVE's `cap`: per area, the privileges the user holds there (value 1). */
function capabilities(core: EngineCore, subject: Subject): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [area, [path, ...prefixes]] of Object.entries(CAP_GROUPS)) {
    const privs = privilegesOn(core.access, subject, path ?? '/');
    out[area] = {};
    for (const p of privs) if (prefixes.some((x) => p.startsWith(x))) out[area][p] = 1;
  }
  return out;
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
  if (core.service === 'PVE') {
    data.cap = capabilities(core, { userid });
    if (core.cluster.clusterName) data.clustername = core.cluster.clusterName;
  }
  if (core.service === 'PMG')
    data.role = userid === 'root@pam' ? 'root' : (core.access.users.get(userid)?.pmgRole ?? 'audit');
  return new Reply(data, {}, headers);
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
  if (core.service === 'PVE' || core.service === 'PMG') {
    data.NeedTFA = 1;
    data.CSRFPreventionToken = core.signer.csrfToken(user.userid, now);
  } else {
    // PBS and PDM send no flag and a placeholder CSRF token: clients must spot the `!tfa!` ticket.
    data.CSRFPreventionToken = 'invalid';
  }
  return new Reply(data);
}

function checkSecondFactor(core: EngineCore, user: UserRecord, answer: string): boolean {
  const colon = answer.indexOf(':');
  const kind = colon < 0 ? '' : answer.slice(0, colon);
  const value = colon < 0 ? '' : answer.slice(colon + 1);
  if (kind === 'totp')
    return user.totpSecret !== undefined && verifyTotp(user.totpSecret, value, core.clock.now());
  if (kind === 'recovery') {
    const index = user.recovery.findIndex((c) => c !== null && c === value.trim());
    if (index < 0) return false;
    user.recovery[index] = null;
    return true;
  }
  return false;
}

function createTicket(ctx: HandlerContext): Reply {
  const { core, params } = ctx;
  const now = core.clock.now();
  const username = normalizeUser(core, str(params.username) ?? '', str(params.realm));
  const password = str(params.password) ?? '';
  const otp = str(params.otp);
  const challenge = str(params['tfa-challenge']);
  if (otp !== undefined && challenge !== undefined) {
    throw paramError({ otp: "'otp' and 'tfa-challenge' cannot be used together" });
  }
  const prefix = ticketPrefixFor(core, username);
  const user = core.access.activeUser(username, now);
  if (!user) throw authFailure();

  if (challenge !== undefined) {
    const content = core.signer.verify(challenge, prefix, now, username);
    if (!content?.data.startsWith('!tfa!')) throw authFailure();
    if (!checkSecondFactor(core, user, password)) throw authFailure();
    core.stats.logins++;
    return fullTicket(ctx, username);
  }

  const renewed = core.signer.verify(password, prefix, now);
  if (renewed && renewed.data === username) {
    core.stats.renewals++;
    return fullTicket(ctx, username);
  }
  if (user.password === undefined || user.password !== password) throw authFailure();
  if (hasSecondFactor(user)) {
    if (SERVICES[core.service].legacyOtp && otp !== undefined) {
      if (
        !checkSecondFactor(core, user, `totp:${otp}`) &&
        !checkSecondFactor(core, user, `recovery:${otp}`)
      ) {
        throw authFailure();
      }
    } else if (core.service === 'PMG') {
      // PMG 6 knows only the one-shot `otp` field.
      throw authFailure();
    } else {
      return challengeTicket(ctx, user);
    }
  }
  core.stats.logins++;
  return fullTicket(ctx, username);
}

export const ticketHandlers: HandlerTable = {
  'POST /access/ticket': createTicket,
  // pveproxy answers the GET with an empty body; the GUI uses it to show the login form.
  'GET /access/ticket': () => null,
  'DELETE /access/ticket': () => null,
};
