/**
 * No secret in any error, log, warning, debug dump or CLI output (issue 9). Scenarios run
 * with known, distinctive secrets (passwords, token values, a TOTP secret and the codes it
 * gives, a recovery code, and the tickets and CSRF tokens the simulator hands out, read
 * from its answers); a server that echoes the request's credentials back in its error
 * pages tries hard to make the client repeat them. Every captured text is scanned.
 */
import { inspect } from 'node:util';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxmoxOptions, ProxmoxSDK } from '../../src/index.js';
import {
  type RunningSimulator,
  type SimRequest,
  type SimResponse,
  startSimulator,
} from '../../src/simulator/index.js';
import { runChild } from './run-child.js';
import { SecretScan } from './secret-scan.js';

const PASSWORD = 'Scan-Pass-4e7d91';
const WRONG_PASSWORD = 'Wrong-Pass-a8c3f2';
const TFA_PASSWORD = 'Scan-Tfa-Pass-19b7';
const TOKEN_VALUE = 'c0ffee00-5ca1-4bad-9e11-0123456789ab';
const WRONG_TOKEN = 'deadbeef-0000-4000-8000-feedfacecafe';
const TOTP_SECRET = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';
const RECOVERY = '5ca1-ab1e-c0de-f00d';
const WRONG_OTP = '271828';

const scan = new SecretScan();
let sim: RunningSimulator;
let base: ProxmoxOptions;

/** Echo pages put every request header into the reason phrase, the body and the error map. */
function echo(req: SimRequest, json: boolean): SimResponse {
  const headers = JSON.stringify(req.headers);
  const reason = headers.replace(/[^\x20-\x7e]/g, '?').slice(0, 900);
  return json
    ? {
        status: 400,
        statusText: reason,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: null, message: `bad: ${headers}\n`, errors: { cookie: headers } }),
        closeConnection: true,
      }
    : {
        status: 502,
        statusText: reason,
        headers: { 'content-type': 'text/html' },
        body: `<html><body><pre>${headers}</pre></body></html>`,
        closeConnection: true,
      };
}

beforeAll(async () => {
  // The expired-ticket 401 below must not wait the 3 s a real server (and the default) waits.
  sim = await startSimulator({ service: 'PVE', authFailureDelayMs: 0 });
  const engine = sim.engine;
  const user = engine.access.addUser({ userid: 'scan@pve', password: PASSWORD });
  user.tokens.set('scan', { tokenid: 'scan', secret: TOKEN_VALUE, privsep: false, expire: 0 });
  engine.access.grant('/', 'scan@pve', 'PVEAuditor');
  engine.access.addUser({
    userid: 'scantfa@pve',
    password: TFA_PASSWORD,
    totpSecret: TOTP_SECRET,
    recovery: [RECOVERY],
  });
  engine.access.grant('/', 'scantfa@pve', 'PVEAuditor');
  const handle = engine.handle.bind(engine);
  engine.handle = async (req) => {
    const path = req.url.split('?')[0] ?? '';
    // Node `echo` echoes on schema paths too, which the CLI checks before it sends.
    if (path.endsWith('/echo') || path.includes('/nodes/echo/')) return echo(req, false);
    if (path.endsWith('/echo-json')) return echo(req, true);
    if (path.endsWith('/stall')) return new Promise<SimResponse>(() => {});
    const res = await handle(req);
    scan.loginAnswer(path, res);
    return res;
  };
  base = { host: `${sim.host}:${sim.port}`, fingerprint: sim.fingerprint };
  scan.secret(PASSWORD, WRONG_PASSWORD, TFA_PASSWORD, TOKEN_VALUE, WRONG_TOKEN, TOTP_SECRET, RECOVERY);
  const totp = new TOTP({ secret: Secret.fromBase32(TOTP_SECRET) });
  for (const offset of [-60_000, -30_000, 0, 30_000, 60_000, 120_000]) {
    scan.code(totp.generate({ timestamp: Date.now() + offset }));
  }
  scan.code(WRONG_OTP);
  scan.listen();
});
afterAll(async () => {
  scan.stop();
  await sim.close();
});

async function expectFailure(where: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    scan.error(where, error);
    return;
  }
  throw new Error(`${where}: expected a failure`);
}

describe('scenarios with known secrets', () => {
  it('tokens: wrong value, echoed Authorization header', async () => {
    const token = { ...base, user: 'scan@pve', tokenName: 'scan' };
    await expectFailure('wrong token', () => ProxmoxSDK.connect({ ...token, tokenValue: WRONG_TOKEN }));
    await using px = new ProxmoxSDK({ ...token, tokenValue: TOKEN_VALUE });
    await expectFailure('token echo', () => px.request('GET /nodes/{node}/echo', { node: 'pve1' }));
    await expectFailure('token echo JSON', () =>
      px.request('POST /nodes/{node}/echo-json', { node: 'pve1' }),
    );
    scan.add('token debug dump', inspect(px, { showHidden: true, showProxy: true, depth: 6 }));
  });

  it('two-factor: TOTP from the secret, a wrong code, a wrong recovery code, echo after login', async () => {
    const tfa = { ...base, user: 'scantfa@pve', password: TFA_PASSWORD };
    await using px = await ProxmoxSDK.connect({ ...tfa, totpSecret: TOTP_SECRET });
    await expectFailure('tfa echo', () => px.request('POST /nodes/{node}/echo', { node: 'pve1' }));
    await expectFailure('wrong otp', () => ProxmoxSDK.connect({ ...tfa, otp: WRONG_OTP }));
    await expectFailure('wrong recovery', () =>
      ProxmoxSDK.connect({ ...tfa, otp: `${RECOVERY}-x`, otpType: 'recovery' }),
    );
    await expectFailure('no second factor', () => ProxmoxSDK.connect(tfa));
  });

  it('password logins: wrong password, resource errors, echoed cookies and CSRF tokens, timeout', async () => {
    await expectFailure('wrong password', () =>
      ProxmoxSDK.connect({ ...base, user: 'scan@pve', password: WRONG_PASSWORD }),
    );
    await using px = await ProxmoxSDK.connect({
      ...base,
      user: 'scan@pve',
      password: PASSWORD,
      timeout: 500,
    });
    await px.request('GET /nodes');
    await expectFailure('missing VM', () =>
      px.request('GET /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 99999 }),
    );
    await expectFailure('403 create', () =>
      px.request('POST /nodes/{node}/qemu', { node: 'pve1', vmid: 9001 }),
    );
    await expectFailure('400 params', () =>
      px.request('POST /nodes/{node}/qemu', { node: 'pve1', vmid: 'x' }),
    );
    await expectFailure('echo GET', () => px.request('GET /nodes/{node}/echo', { node: 'pve1' }));
    await expectFailure('echo POST', () => px.request('POST /nodes/{node}/echo', { node: 'pve1' }));
    await expectFailure('echo JSON PUT', () => px.request('PUT /nodes/{node}/echo-json', { node: 'pve1' }));
    await expectFailure('stall', () => px.request('GET /nodes/{node}/stall', { node: 'pve1' }));
    // Past the ticket's expiry: a new login (its ticket is captured too), then the echo again.
    sim.engine.clock.advance(2 * 3_600_000 + 600_000);
    await px.request('GET /nodes');
    await expectFailure('echo after re-login', () => px.request('POST /nodes/{node}/echo', { node: 'pve1' }));
    scan.add('debug dump', inspect(px, { showHidden: true, showProxy: true, depth: 6 }));
    scan.add('options', JSON.stringify((px as unknown as { options: unknown }).options));
    scan.add('options inspect', inspect((px as unknown as { options: unknown }).options, { depth: 6 }));
  });

  it('option errors, the mock backend and a server that is gone', async () => {
    const bad: Array<[string, Record<string, unknown>]> = [
      [
        'password and token',
        { ...base, user: 'scan@pve', password: PASSWORD, tokenName: 't', tokenValue: TOKEN_VALUE },
      ],
      [
        'otp and totpSecret',
        { ...base, user: 'scan@pve', password: PASSWORD, otp: WRONG_OTP, totpSecret: TOTP_SECRET },
      ],
      ['bad totpSecret', { ...base, user: 'scan@pve', password: PASSWORD, totpSecret: `${PASSWORD}!` }],
      [
        'bad fingerprint',
        { host: base.host, user: 'scan@pve', password: PASSWORD, fingerprint: TOKEN_VALUE },
      ],
      ['unknown option', { ...base, user: 'scan@pve', password: PASSWORD, token_value: TOKEN_VALUE }],
    ];
    for (const [where, options] of bad) {
      await expectFailure(where, async () => new ProxmoxSDK(options as never));
    }
    await using mock = new ProxmoxSDK({ backend: 'mock', user: 'root@pam', password: WRONG_PASSWORD });
    await expectFailure('mock wrong password', () => mock.request('GET /nodes'));
    const gone = { ...base };
    await sim.close();
    await expectFailure('server gone', () =>
      ProxmoxSDK.connect({ ...gone, user: 'scan@pve', password: PASSWORD, retries: 1 }),
    );
    sim = await startSimulator({ engine: sim.engine, port: sim.port });
  });

  it('the blocking facade carries errors across its worker without secrets', async () => {
    // The facade blocks its thread, so it runs in a child while the simulator answers here.
    const out = await runChild(['test/security/sync-child.ts'], {
      SCAN_HOST: base.host as string,
      SCAN_FINGERPRINT: sim.fingerprint,
      SCAN_USER: 'scan@pve',
      SCAN_PASSWORD: WRONG_PASSWORD,
    });
    scan.add('sync wrong password', out);
    expect(out).toContain('PROXMOX_AUTH');
  }, 60_000);
  it('the CLI prints no secret on failure', async () => {
    const run = (args: string[], env: Record<string, string>) => runChild(['src/cli/main.ts', ...args], env);
    const connection = [
      '--host',
      base.host as string,
      '--fingerprint',
      sim.fingerprint,
      '--user',
      'scan@pve',
    ];
    scan.add(
      'cli wrong password',
      await run(['get', '/nodes', ...connection], { PROXMOX_PASSWORD: WRONG_PASSWORD }),
    );
    const cliEcho = await run(['create', '/nodes/echo/wakeonlan', ...connection], {
      PROXMOX_PASSWORD: PASSWORD,
    });
    scan.add('cli echo', cliEcho);
    // The echo reached the CLI's error line, scrubbed.
    expect(cliEcho).toContain('502');
    const token = [
      '--host',
      base.host as string,
      '--fingerprint',
      sim.fingerprint,
      '--user',
      'scan@pve',
      '--token-name',
      'scan',
    ];
    scan.add(
      'cli token echo',
      await run(['get', '/nodes/echo/version', ...token], { PROXMOX_TOKEN_VALUE: TOKEN_VALUE }),
    );
    expect(
      scan.texts.filter((t) => t.where.startsWith('cli')).every((t) => !t.text.startsWith('exit 0')),
    ).toBe(true);
  }, 60_000);

  it('no captured text contains a secret', () => {
    // Controls: the scan finds a planted secret, tickets were captured, and the echo pages
    // did carry credentials that the client then scrubbed (not merely left out).
    const control = new SecretScan();
    control.secret(PASSWORD);
    control.add('control', `x${encodeURIComponent(PASSWORD)}x`);
    expect(control.leaks()).toHaveLength(1);
    expect(scan.secretCount).toBeGreaterThanOrEqual(7 + 4);
    const echoed = scan.texts.filter((t) => t.where.startsWith('echo') && t.where.endsWith('message'));
    expect(echoed.length).toBeGreaterThan(0);
    for (const t of echoed) expect(t.text).toContain('***');
    expect(scan.texts.length).toBeGreaterThan(100);
    expect(scan.leaks()).toEqual([]);
  });
});
