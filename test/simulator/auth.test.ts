import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { login, sessionHeaders, wire } from './helpers.js';

function totpNow(sim: RunningSimulator, secret: string): string {
  return new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: sim.engine.clock.now(),
  });
}

const user = (sim: RunningSimulator, id: string) => {
  const found = sim.users.find((u) => u.userid === id);
  if (!found) throw new Error(`no demo user ${id}`);
  return found;
};

describe('PVE authentication over HTTPS', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    // Refusals answer at once here; test/simulator/fidelity.test.ts proves the default delay.
    sim = await startSimulator({ taskDurationMs: 50, authFailureDelayMs: 0 });
  });
  afterAll(() => sim.close());

  it('logs in with a password and answers with a ticket in the real format', async () => {
    const res = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'root@pam', password: 'proxmox' },
    });
    expect(res.status).toBe(200);
    const data = res.json.data;
    expect(data.username).toBe('root@pam');
    expect(data.ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::\S+$/);
    expect(data.CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:\S+$/);
    expect(data.cap.vms['VM.Allocate']).toBe(1);
    expect(data.clustername).toBe('demo');
  });

  it('answers every login failure with a bare 401 authentication failure and closes the connection', async () => {
    for (const params of [
      { username: 'root@pam', password: 'wrong' },
      { username: 'nobody@pve', password: 'proxmox' },
      { username: 'root@pam', password: 'PVE:root@pam:00000000::forged' },
    ]) {
      const res = await wire(sim, 'POST', '/access/ticket', { params });
      expect(res.status).toBe(401);
      expect(res.statusText).toBe('authentication failure');
      expect(res.headers.connection).toBe('close');
      expect(res.json).toEqual({ data: null, message: 'authentication failure\n' });
    }
  });

  it('accepts the realm as a separate field', async () => {
    const res = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'automation', realm: 'pve', password: 'automation' },
    });
    expect(res.json.data.username).toBe('automation@pve');
  });

  it('needs a CSRF token on every non-GET request with a ticket, not on GET', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    expect((await wire(sim, 'GET', '/nodes', { headers: sessionHeaders(session, false) })).status).toBe(200);
    const missing = await wire(sim, 'POST', '/nodes/pve1/qemu', {
      headers: sessionHeaders(session, false),
      params: { vmid: '4000' },
    });
    expect(missing.status).toBe(401);
    expect(missing.statusText).toBe('Permission denied - invalid csrf token');
    const wrong = await wire(sim, 'POST', '/nodes/pve1/qemu', {
      headers: { ...sessionHeaders(session), csrfpreventiontoken: `${session.csrf.slice(0, 9)}AAAA` },
      params: { vmid: '4000' },
    });
    expect(wrong.status).toBe(401);
    const ok = await wire(sim, 'POST', '/nodes/pve1/qemu', {
      headers: sessionHeaders(session),
      params: { vmid: '4000' },
    });
    expect(ok.status).toBe(200);
  });

  it('refuses requests without credentials and with a forged ticket', async () => {
    const none = await wire(sim, 'GET', '/nodes');
    expect(none.status).toBe(401);
    const forged = await wire(sim, 'GET', '/nodes', {
      headers: { cookie: 'PVEAuthCookie=PVE:root@pam:6B000000::AAAA' },
    });
    expect(forged.status).toBe(401);
    // pve-manager PVE/HTTPServer.pm auth_handler: verify_ticket's error becomes "Authentication failed!".
    expect(forged.statusText).toBe('Authentication failed!');
  });

  it('renews a ticket posted as the password, and refuses it once the clock passes 2 hours', async () => {
    const session = await login(sim, 'root@pam', 'proxmox');
    const renewed = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'root@pam', password: session.ticket },
    });
    expect(renewed.status).toBe(200);
    expect(sim.engine.stats.renewals).toBeGreaterThan(0);
    sim.engine.clock.advance(2 * 3600_000 + 60_000);
    try {
      const expired = await wire(sim, 'GET', '/nodes', { headers: sessionHeaders(session, false) });
      expect(expired.status).toBe(401);
      const renewExpired = await wire(sim, 'POST', '/access/ticket', {
        params: { username: 'root@pam', password: session.ticket },
      });
      expect(renewExpired.status).toBe(401);
    } finally {
      sim.engine.clock.advance(-(2 * 3600_000 + 60_000));
    }
    expect((await wire(sim, 'GET', '/nodes', { headers: sessionHeaders(session, false) })).status).toBe(200);
  });

  it('takes API tokens, split on the last "=", with no CSRF token', async () => {
    const automation = user(sim, 'automation@pve');
    const full = automation.tokens.find((t) => t.tokenid === 'full')!;
    const header = { authorization: `PVEAPIToken=automation@pve!full=${full.value}` };
    expect((await wire(sim, 'GET', '/nodes', { headers: header })).status).toBe(200);
    const created = await wire(sim, 'POST', '/nodes/pve1/qemu', {
      headers: header,
      params: { vmid: '4001' },
    });
    expect(created.status).toBe(200);
    expect(created.json.data).toMatch(
      /^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:4001:automation@pve!full:$/,
    );
    const wrong = await wire(sim, 'GET', '/nodes', {
      headers: { authorization: `PVEAPIToken=automation@pve!full=nope` },
    });
    expect(wrong.status).toBe(401);
  });

  it('limits a privilege-separated token to its own ACL, intersected with its user', async () => {
    const ci = user(sim, 'automation@pve').tokens.find((t) => t.privsep)!;
    const header = { authorization: `PVEAPIToken=automation@pve!${ci.tokenid}=${ci.value}` };
    expect((await wire(sim, 'GET', '/nodes/pve1/qemu', { headers: header })).status).toBe(200);
    const denied = await wire(sim, 'POST', '/nodes/pve1/qemu', { headers: header, params: { vmid: '4002' } });
    expect(denied.status).toBe(403);
    expect(denied.statusText).toBe('Permission check failed (/vms/4002, VM.Allocate)');
  });

  it('refuses tokens on endpoints the schema marks allowtoken 0 (PUT /access/password)', async () => {
    const full = user(sim, 'automation@pve').tokens.find((t) => t.tokenid === 'full')!;
    const res = await wire(sim, 'PUT', '/access/password', {
      headers: { authorization: `PVEAPIToken=automation@pve!full=${full.value}` },
      params: { userid: 'automation@pve', password: 'another-password' },
    });
    // pve-manager PVE/HTTPServer.pm rest_handler: raise_perm_exc, a 403.
    expect(res.status).toBe(403);
    expect(res.statusText).toMatch(/not available with API token/);
  });

  it('a read-only user can list but not create', async () => {
    const session = await login(sim, 'auditor@pve', 'auditor');
    expect(
      (await wire(sim, 'GET', '/nodes/pve1/qemu', { headers: sessionHeaders(session, false) })).status,
    ).toBe(200);
    const res = await wire(sim, 'POST', '/nodes/pve1/qemu', {
      headers: sessionHeaders(session),
      params: { vmid: '4003' },
    });
    expect(res.status).toBe(403);
  });
});

describe('PVE two-factor login (new-format)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ authFailureDelayMs: 0 });
  });
  afterAll(() => sim.close());

  async function firstStep(): Promise<string> {
    const res = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'tfa@pve', password: 'two-factor', 'new-format': '1' },
    });
    expect(res.status).toBe(200);
    expect(res.json.data.NeedTFA).toBe(1);
    const ticket: string = res.json.data.ticket;
    expect(ticket).toMatch(/^PVE:!tfa!%7B.*:[0-9A-F]{8}::\S+$/);
    const challenge = JSON.parse(decodeURIComponent(ticket.split(':')[1]!.slice('!tfa!'.length)));
    expect(challenge.totp).toBe(true);
    expect(challenge.recovery.length).toBeGreaterThan(0);
    return ticket;
  }

  it('hands out a half-authenticated ticket that opens nothing', async () => {
    const half = await firstStep();
    const res = await wire(sim, 'GET', '/nodes', {
      headers: { cookie: `PVEAuthCookie=${encodeURIComponent(half)}` },
    });
    expect(res.status).toBe(401);
    const renew = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'tfa@pve', password: half },
    });
    expect(renew.status).toBe(401);
  });

  it('completes with a TOTP code', async () => {
    const half = await firstStep();
    const code = totpNow(sim, user(sim, 'tfa@pve').totpSecret!);
    const res = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'tfa@pve', 'tfa-challenge': half, password: `totp:${code}` },
    });
    expect(res.status).toBe(200);
    expect(res.json.data.ticket).toMatch(/^PVE:tfa@pve:/);
    expect(res.json.data.NeedTFA).toBeUndefined();
  });

  it('refuses a wrong code and a challenge bound to another user', async () => {
    const half = await firstStep();
    const wrong = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'tfa@pve', 'tfa-challenge': half, password: 'totp:000000' },
    });
    expect(wrong.status).toBe(401);
    const code = totpNow(sim, user(sim, 'tfa@pve').totpSecret!);
    const other = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'root@pam', 'tfa-challenge': half, password: `totp:${code}` },
    });
    expect(other.status).toBe(401);
  });

  it('accepts a recovery code once', async () => {
    const codes = sim.engine.accounts.find((a) => a.userid === 'tfa@pve')!.recoveryCodes!;
    const code = codes[0]!;
    const half = await firstStep();
    const ok = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'tfa@pve', 'tfa-challenge': half, password: `recovery:${code}` },
    });
    expect(ok.status).toBe(200);
    const again = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'tfa@pve', 'tfa-challenge': await firstStep(), password: `recovery:${code}` },
    });
    expect(again.status).toBe(401);
  });

  // PVE/API2/AccessControl.pm create_ticket_do dies inside create_ticket's eval: a 401, not a 400.
  it('refuses otp and tfa-challenge together as a failed login', async () => {
    const half = await firstStep();
    const res = await wire(sim, 'POST', '/access/ticket', {
      params: { username: 'tfa@pve', 'tfa-challenge': half, password: 'totp:123456', otp: '123456' },
    });
    expect(res.status).toBe(401);
  });
});

describe('PBS, PMG and PDM differences', () => {
  it('PBS: PBSAPIToken split on the first ":" with a percent-decoded secret; TFA without NeedTFA', async () => {
    const sim = await startSimulator({ service: 'PBS', authFailureDelayMs: 0 });
    try {
      const token = user(sim, 'automation@pbs').tokens.find((t) => !t.privsep)!;
      const ok = await wire(sim, 'GET', '/version', {
        headers: {
          authorization: `PBSAPIToken=automation@pbs!${token.tokenid}:${encodeURIComponent(token.value)}`,
        },
      });
      expect(ok.status).toBe(200);
      const pveStyle = await wire(sim, 'GET', '/version', {
        headers: { authorization: `PVEAPIToken=automation@pbs!${token.tokenid}=${token.value}` },
      });
      expect(pveStyle.status).toBe(401);
      const tfa = await wire(sim, 'POST', '/access/ticket', {
        params: { username: 'tfa@pbs', password: 'two-factor' },
      });
      expect(tfa.json.data.ticket).toMatch(/^PBS:!tfa!/);
      expect(tfa.json.data.NeedTFA).toBeUndefined();
      expect(tfa.json.data.CSRFPreventionToken).toBe('invalid');
      const session = await login(sim, 'root@pam', 'proxmox');
      expect(session.ticket).toMatch(/^PBS:root@pam:/);
    } finally {
      await sim.close();
    }
  });

  it('PMG: refuses API tokens, takes the one-shot otp field, adds @quarantine and role', async () => {
    const sim = await startSimulator({ service: 'PMG', authFailureDelayMs: 0 });
    try {
      expect(sim.users.every((u) => u.tokens.length === 0)).toBe(true);
      const token = await wire(sim, 'GET', '/version', {
        headers: { authorization: 'PVEAPIToken=root@pam!x=y' },
      });
      expect(token.status).toBe(401);
      const root = await wire(sim, 'POST', '/access/ticket', {
        params: { username: 'root@pmg', password: 'proxmox' },
      });
      expect(root.json.data.username).toBe('root@pam');
      expect(root.json.data.role).toBe('root');
      expect(root.json.data.ticket).toMatch(/^PMG:root@pam:/);
      const noOtp = await wire(sim, 'POST', '/access/ticket', {
        params: { username: 'tfa@pmg', password: 'two-factor' },
      });
      expect(noOtp.status).toBe(401);
      const otp = totpNow(sim, user(sim, 'tfa@pmg').totpSecret!);
      const withOtp = await wire(sim, 'POST', '/access/ticket', {
        params: { username: 'tfa@pmg', password: 'two-factor', otp },
      });
      expect(withOtp.status).toBe(200);
      const quarantine = await wire(sim, 'POST', '/access/ticket', {
        params: { username: 'nobody', password: 'x' },
      });
      expect(quarantine.status).toBe(401);
    } finally {
      await sim.close();
    }
  });

  it('PDM: login answers with ticket-info and an HttpOnly __Host- cookie that authenticates', async () => {
    const sim = await startSimulator({ service: 'PDM', authFailureDelayMs: 0 });
    try {
      const res = await wire(sim, 'POST', '/access/ticket', {
        params: { username: 'root@pam', password: 'proxmox' },
      });
      expect(res.status).toBe(200);
      expect(res.json.data.ticket).toBeUndefined();
      expect(res.json.data['ticket-info']).toMatch(/^PDM:root@pam:[0-9A-F]{8}$/);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^__Host-PDMAuthCookie=.+; Path=\/; Secure; HttpOnly/);
      const version = await wire(sim, 'GET', '/version', { headers: { cookie: cookie.split(';')[0]! } });
      expect(version.status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
