/**
 * Two-factor entries per user: a TOTP secret and recovery codes. Adding TOTP needs a
 * current code from the new secret, as on PVE; what is configured here is what the login
 * flow asks for.
 */

import { randomBytes } from 'node:crypto';
import { SERVICES } from '../../../core/services.js';
import { tfaLockFields } from '../../access/tfa-verify.js';
import { verifyTotp } from '../../access/totp.js';
import { resetTotpState } from '../../access/totp-login.js';
import { type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { UserRecord } from '../../state/access-state.js';

function findUser(ctx: HandlerContext): UserRecord {
  const userid = str(ctx.params.userid) ?? '';
  const user = ctx.core.access.users.get(userid);
  if (!user) throw new SimError(500, `no such user ('${userid}')`);
  return user;
}

function entries(ctx: HandlerContext, user: UserRecord): Record<string, unknown>[] {
  const enable = SERVICES[ctx.service].booleans === 'int' ? 1 : true;
  const out: Record<string, unknown>[] = [];
  if (user.totpSecret)
    out.push({ id: 'totp', type: 'totp', description: 'TOTP', created: 1_700_000_000, enable });
  if (user.recovery.length > 0)
    out.push({
      id: 'recovery',
      type: 'recovery',
      description: 'Recovery keys',
      created: 1_700_000_000,
      enable,
    });
  return out;
}

function addEntry(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  const type = str(ctx.params.type);
  if (type === 'recovery') {
    if (user.recovery.some((c) => c !== null)) throw new SimError(400, 'user already has recovery keys');
    user.recovery = Array.from({ length: 10 }, () =>
      randomBytes(8)
        .toString('hex')
        .replace(/(.{4})(?!$)/g, '$1-'),
    );
    return { id: 'recovery', recovery: user.recovery.filter((c): c is string => c !== null) };
  }
  if (type !== 'totp') throw new SimError(400, `unsupported tfa type '${type ?? ''}' in the simulator`);
  const uri = str(ctx.params.totp) ?? '';
  const secret = /[?&]secret=([A-Z2-7=]+)/i.exec(uri)?.[1];
  if (!secret)
    throw new SimError(400, 'Parameter verification failed.', { totp: 'missing secret in otpauth URI' });
  if (!verifyTotp(secret, str(ctx.params.value) ?? '', ctx.core.clock.now()))
    throw new SimError(400, 'failed to verify TOTP challenge');
  user.totpSecret = secret.toUpperCase();
  resetTotpState(user);
  return { id: 'totp' };
}

function deleteEntry(ctx: HandlerContext): unknown {
  const user = findUser(ctx);
  const id = str(ctx.params.id);
  if (id === 'totp' && user.totpSecret) {
    delete user.totpSecret;
    resetTotpState(user);
  } else if (id === 'recovery' && user.recovery.length > 0) user.recovery = [];
  else throw new SimError(500, `no such tfa entry '${id ?? ''}'`);
  return null;
}

export const tfaHandlers: HandlerTable = {
  'GET /access/tfa': (ctx) =>
    [...ctx.core.access.users.values()]
      .filter((u) => !ctx.subject || ctx.subject.userid === 'root@pam' || u.userid === ctx.subject.userid)
      .map((u) => ({
        userid: u.userid,
        entries: entries(ctx, u),
        ...tfaLockFields(u, ctx.core.clock.now(), SERVICES[ctx.service].perlServer ? 1 : true),
      })),
  'GET /access/tfa/{userid}': (ctx) => entries(ctx, findUser(ctx)),
  'POST /access/tfa/{userid}': addEntry,
  'GET /access/tfa/{userid}/{id}': (ctx) => {
    const found = entries(ctx, findUser(ctx)).find((e) => e.id === str(ctx.params.id));
    if (!found) throw new SimError(500, `no such tfa entry '${str(ctx.params.id) ?? ''}'`);
    return found;
  },
  'DELETE /access/tfa/{userid}/{id}': deleteEntry,
};
