/**
 * The secrets sweep (issue 15): known secrets of 3, 8, 32 and 64 characters (regex
 * metacharacters, spaces, quotes, backslashes, HTML, non-ASCII, an astral character) used as
 * password, token value, TOTP secret and proxy password, driven through every error path a
 * user can meet: logins that a server echoes back (400 with the body in message and errors
 * keys, 401 with it in the reason phrase, a 500 HTML page), calls whose errors echo the
 * request, a wrong password or token, a closed port, a wrong certificate pin, a timeout,
 * option errors, a proxy that answers 407 with the request, an unreachable proxy, and the
 * CLI. Every text a user could see is scanned (messages, JSON.stringify and util.inspect of
 * errors and causes, stacks, the debug log, hook records, diagnostics_channel messages,
 * util.inspect of the client and its options, console output, CLI output) for every form
 * of each secret: raw, percent-encoded (upper and lower hex, `+` for space), JSON-escaped,
 * `\uXXXX`-escaped, `\/`-escaped, HTML-escaped, and base64 of `user:secret`.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { inspect } from 'node:util';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxmoxClient, type ProxmoxOptions, ProxmoxSDK } from '../../src/index.js';
import {
  type RunningSimulator,
  type SimRequest,
  type SimResponse,
  startSimulator,
} from '../../src/simulator/index.js';
import { runChild } from './run-child.js';
import { SecretScan } from './secret-scan.js';

/** Each chosen so that no form of it occurs in a message by chance. */
const SECRETS = [
  'Ω|^',
  'p@s$ w+d',
  `"q\\u/'<&>(.?)[]{}é€😀 $1\\n%41;`.padEnd(32, '#'),
  'Sweep-64-'.padEnd(56, 'k9Z').concat('^$.|?+()'),
  // The separators of the token header (`PVEAPIToken=user!id=SECRET`, `PBSAPIToken=user!id:SECRET`).
  'Tok=en:Se=cr:et',
] as const;
/** Base32, as a TOTP secret must be: 16, 32 and 64 characters. */
const TOTP_SECRETS = ['JBSWY3DPEHPK3PXP', 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U', 'GEZDGNBVGY3TQOJQ'.repeat(4)];
const PROXY_USER = 'sweepproxy';

/** The forms a secret may take in a message, independent of src/core/redact.ts. */
function forms(secret: string, user: string): string[] {
  const encoded = encodeURIComponent(secret);
  const json = JSON.stringify(secret).slice(1, -1);
  const ascii = json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const html = secret
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
  return [
    ...new Set([
      secret,
      encoded,
      encoded.replace(/%20/g, '+'),
      encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      json,
      ascii,
      ascii.replace(/\\u[0-9a-f]{4}/g, (m) => `\\u${m.slice(2).toUpperCase()}`),
      json.replace(/\//g, '\\/'),
      html,
      Buffer.from(`${user}:${secret}`).toString('base64'),
    ]),
  ];
}

const scan = new SecretScan();
let sim: RunningSimulator;
let base: ProxmoxOptions;
let closedPort: number;
let proxy: { server: Server; port: number };
/** The last login body as it came, for the echoes. */
let lastLogin = '';

/** What the request looked like on the wire, as an echoing server repeats it. */
function everything(req: SimRequest): string {
  return `${req.method} ${req.url} ${JSON.stringify(req.headers)} ${req.body?.toString() ?? ''} last login: ${lastLogin}`;
}

const asciiJson = (text: string) =>
  text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** 400 in JSON (message, \u-escaped copy, errors keys and values), 401 in the reason phrase, 500 in HTML. */
function echo(kind: '400' | '401' | '500', req: SimRequest): SimResponse {
  const all = everything(req);
  const body = req.body?.toString() ?? '';
  if (kind === '401') {
    return { status: 401, statusText: latin1(all), headers: {}, body: '', closeConnection: true };
  }
  if (kind === '500') {
    return {
      status: 500,
      statusText: 'Internal Server Error',
      headers: { 'content-type': 'text/html' },
      body: `<html><body><pre>${all}</pre></body></html>`,
      closeConnection: true,
    };
  }
  const json = String(req.headers['content-type']).includes('json');
  const params = json
    ? Object.entries(JSON.parse(body || '{}') as Record<string, string>)
    : new URLSearchParams(body);
  const errors: Record<string, string> = { request: all };
  for (const [key, value] of params) errors[String(value)] = `${key} is not valid`;
  errors[lastLogin] = 'login';
  return {
    status: 400,
    statusText: 'Parameter verification failed.',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: null, message: `bad: ${all} / ${asciiJson(all)}\n`, errors }),
    closeConnection: true,
  };
}

/** A reason phrase can carry latin1 only: the rest goes as its UTF-8 bytes, as a server would write them. */
const latin1 = (text: string) =>
  Buffer.from(text.slice(0, 2000), 'utf8')
    .toString('latin1')
    .replace(/[\r\n\0]/g, ' ');

/** A CONNECT proxy that refuses every request with 407, echoing the request in the reason and body. */
async function echoProxy(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.once('data', (head: Buffer) => {
      const text = head.toString('latin1');
      const body = `refused: ${text}`;
      socket.end(
        `HTTP/1.1 407 ${text.replace(/[\r\n]+/g, ' ').slice(0, 1000)}\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\nConnection: close\r\n\r\n${body}`,
        'latin1',
      );
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

beforeAll(async () => {
  sim = await startSimulator({ service: 'PVE', authFailureDelayMs: 0 });
  const { engine } = sim;
  SECRETS.forEach((secret, i) => {
    for (const name of ['sweep', 'echo400', 'echo401', 'echo500']) {
      const user = engine.access.addUser({ userid: `${name}${i}@pve`, password: secret });
      user.tokens.set('sweep', { tokenid: 'sweep', secret, privsep: false, expire: 0 });
      engine.access.grant('/', `${name}${i}@pve`, 'PVEAuditor');
    }
    scan.exact(...forms(secret, `sweep${i}@pve`), ...forms(secret, PROXY_USER));
    // Most of a secret is as bad as all of it (a mask that starts at the wrong separator).
    if (secret.length >= 9) scan.exact(secret.slice(0, Math.ceil((secret.length * 2) / 3)));
    scan.exact(Buffer.from(`sweep${i}@pve!sweep=${secret}`).toString('base64'));
  });
  TOTP_SECRETS.forEach((secret, i) => {
    engine.access.addUser({ userid: `tfa${i}@pve`, password: `tfa-pass-${i}-x7`, totpSecret: secret });
    engine.access.grant('/', `tfa${i}@pve`, 'PVEAuditor');
    scan.exact(...forms(secret, `tfa${i}@pve`));
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    for (const offset of [-60_000, -30_000, 0, 30_000, 60_000]) {
      scan.code(totp.generate({ timestamp: Date.now() + offset }));
    }
  });
  const handle = engine.handle.bind(engine);
  engine.handle = async (req) => {
    const path = req.url.split('?')[0] ?? '';
    if (path.endsWith('/access/ticket') && req.method === 'POST') {
      lastLogin = req.body?.toString() ?? '';
      const kind = /username=echo(\d{3})|"username":"echo(\d{3})/.exec(lastLogin);
      if (kind) return echo((kind[1] ?? kind[2]) as '400', req);
    }
    const echoed = /\/echo(\d{3})$/.exec(path) ?? /\/nodes\/echo(\d{3})\//.exec(path);
    if (echoed) return echo(echoed[1] as '400', req);
    if (path.endsWith('/stall')) return new Promise<SimResponse>(() => {});
    const res = await handle(req);
    scan.loginAnswer(path, res);
    return res;
  };
  base = { host: `${sim.host}:${sim.port}`, fingerprint: sim.fingerprint, retries: 0 };
  closedPort = await freePort();
  proxy = await echoProxy();
  scan.listen();
});
afterAll(async () => {
  scan.stop();
  await sim?.close();
  await new Promise((resolve) => proxy?.server.close(resolve));
});

/** Every observer a client has: debug log, hooks and diagnostics_channel, all into the scan. */
function observed(where: string): Partial<ProxmoxOptions> {
  const record = (what: string) => (r: unknown) => {
    scan.add(`${where}: ${what}`, `${JSON.stringify(r)} ${inspect(r, { depth: 8, showHidden: true })}`);
  };
  return {
    debug: (line: string) => scan.add(`${where}: debug`, line),
    hooks: { beforeRequest: [record('beforeRequest')], afterResponse: [record('afterResponse')] },
  };
}

async function failure(where: string, work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    scan.error(where, error);
    return error;
  }
  throw new Error(`${where}: expected a failure`);
}

function client(where: string, options: Partial<ProxmoxOptions>): ProxmoxClient<'PVE'> {
  return new ProxmoxSDK({ ...base, ...observed(where), ...options } as ProxmoxOptions<'PVE'>);
}

/** Calls whose errors echo the request: GET (query), POST (form), PUT (JSON with bodyEncoding json). */
async function echoCalls(
  where: string,
  px: ProxmoxClient<'PVE'>,
  secret: string,
  kinds: readonly ('400' | '401' | '500')[] = ['400', '401', '500'],
): Promise<void> {
  for (const kind of kinds) {
    await failure(`${where} GET echo${kind}`, () =>
      px.request(`GET /nodes/{node}/echo${kind}` as never, { node: 'pve1', note: secret } as never),
    );
    await failure(`${where} POST echo${kind}`, () =>
      px.request(`POST /nodes/{node}/echo${kind}` as never, { node: 'pve1', note: secret } as never),
    );
  }
  scan.add(`${where}: inspect client`, inspect(px, { showHidden: true, showProxy: true, depth: 6 }));
  scan.add(`${where}: options`, `${JSON.stringify(px.options)} ${inspect(px.options, { depth: 6 })}`);
}

describe.each(SECRETS.map((secret, i) => [i, secret.length, secret] as const))(
  'secret %i (%i characters)',
  (i, _length, secret) => {
    const sweep = `sweep${i}@pve`;

    it('as a password: echoed logins, echoed calls (form and JSON bodies), timeouts', async () => {
      for (const kind of ['400', '401', '500']) {
        await failure(`password ${i} login echo${kind}`, () =>
          ProxmoxSDK.connect({ ...base, user: `echo${kind}${i}@pve`, password: secret }),
        );
      }
      for (const bodyEncoding of ['form', 'json'] as const) {
        await using px = client(`password ${i} ${bodyEncoding}`, {
          user: sweep,
          password: secret,
          bodyEncoding,
        });
        await px.login();
        await echoCalls(`password ${i} ${bodyEncoding}`, px, secret);
        await failure(`password ${i} ${bodyEncoding} timeout`, () =>
          px.request('GET /nodes/{node}/stall' as never, { node: 'pve1' } as never, { timeout: 200 }),
        );
      }
    });

    it('as a password: refused, closed port, wrong pin, option errors', async () => {
      await failure(`password ${i} refused`, () =>
        ProxmoxSDK.connect({
          ...base,
          ...observed(`password ${i} refused`),
          user: 'nosuch@pve',
          password: secret,
        }),
      );
      await failure(`password ${i} closed port`, () =>
        ProxmoxSDK.connect({ ...base, host: `127.0.0.1:${closedPort}`, user: sweep, password: secret }),
      );
      await failure(`password ${i} wrong pin`, () =>
        ProxmoxSDK.connect({
          ...base,
          fingerprint: 'AA:'.repeat(31).concat('AA'),
          user: sweep,
          password: secret,
        }),
      );
      const bad: Array<[string, Record<string, unknown>]> = [
        ['password and token', { user: sweep, password: secret, tokenName: 't', tokenValue: secret }],
        [
          'in host',
          { host: `https://${sweep}:${encodeURIComponent(secret)}@${sim.host}:${sim.port}`, user: sweep },
        ],
        ['in host, raw', { host: ` https://${sweep}:${secret}@${sim.host}`, user: sweep, password: secret }],
        ['unknown option', { user: sweep, password: secret, token_value: secret }],
        ['as totpSecret', { user: sweep, password: 'x-y-z-w', totpSecret: secret }],
        ['as a fingerprint', { user: sweep, password: secret, fingerprint: secret }],
        ['CR/LF in user', { user: `${sweep}\r\n${secret}`, password: secret }],
        ['password of another type', { user: sweep, password: [secret] }],
      ];
      for (const [what, options] of bad) {
        await failure(
          `password ${i} option error: ${what}`,
          async () => new ProxmoxSDK({ ...base, ...options } as never),
        );
      }
    });

    it('as a token value: echoed calls, a wrong token, option errors', async () => {
      const token = { user: sweep, tokenName: 'sweep' };
      if (!/^[\x20-\x7e]+$/.test(secret)) {
        // No header can carry it: refused at construction (test/security/option-errors.test.ts).
        await failure(`token ${i} not ASCII`, async () =>
          client(`token ${i}`, { ...token, tokenValue: secret }),
        );
        return;
      }
      await using px = client(`token ${i}`, { ...token, tokenValue: secret });
      await failure(`token ${i} first call`, () =>
        px.request('GET /nodes/{node}/echo400' as never, { node: 'pve1' } as never),
      );
      await echoCalls(`token ${i}`, px, secret);
      await failure(`token ${i} wrong token`, () =>
        ProxmoxSDK.connect({
          ...base,
          ...observed(`token ${i} wrong`),
          user: sweep,
          tokenName: 'other',
          tokenValue: secret,
        }),
      );
      for (const [what, tokenValue] of [
        ['CR/LF', `${secret}\r\nX-Injected: 1`],
        ['a number', 5],
      ] as const) {
        await failure(
          `token ${i} option error: ${what}`,
          async () => new ProxmoxSDK({ ...base, ...token, tokenValue } as never),
        );
      }
    });

    it('as proxy credentials: a proxy that echoes in its 407, an unreachable proxy, a malformed proxy URL', async () => {
      const encoded = encodeURIComponent(secret);
      const login = { user: sweep, password: 'not-the-secret-1' };
      await using px = client(`proxy ${i}`, {
        ...login,
        proxy: `http://${PROXY_USER}:${encoded}@127.0.0.1:${proxy.port}`,
      });
      await failure(`proxy ${i} 407`, () => px.login());
      scan.add(`proxy ${i}: options`, `${JSON.stringify(px.options)} ${inspect(px.options, { depth: 6 })}`);
      scan.add(`proxy ${i}: inspect client`, inspect(px, { showHidden: true, showProxy: true, depth: 6 }));
      await failure(`proxy ${i} unreachable`, () =>
        ProxmoxSDK.connect({
          ...base,
          ...login,
          proxy: `http://${PROXY_USER}:${encoded}@127.0.0.1:${closedPort}`,
        }),
      );
      await failure(
        `proxy ${i} malformed`,
        async () => new ProxmoxSDK({ ...base, ...login, proxy: `http://${PROXY_USER}:${secret}@[::1` }),
      );
    });

    it('through the CLI: echoed login and call, wrong password, proxy', async () => {
      const host = ['--host', `${sim.host}:${sim.port}`, '--fingerprint', sim.fingerprint];
      const run = async (where: string, args: string[], env: Record<string, string>) => {
        const out = await runChild(['src/cli/main.ts', ...args, ...host], { PROXMOX_DEBUG: '1', ...env });
        scan.add(`cli ${i} ${where}`, out);
        expect(out.startsWith('exit 0'), `${where}: ${out}`).toBe(false);
      };
      await run('login echo', ['get', '/version', '--user', `echo400${i}@pve`], { PROXMOX_PASSWORD: secret });
      await run('call echo', ['get', '/nodes/echo500/status', '--user', sweep], { PROXMOX_PASSWORD: secret });
      await run('token echo', ['get', '/nodes/echo401/status', '--user', sweep, '--token-name', 'sweep'], {
        PROXMOX_TOKEN_VALUE: secret,
      });
      await run('proxy', ['get', '/version', '--user', sweep], {
        PROXMOX_PASSWORD: 'not-the-secret-2',
        HTTPS_PROXY: `http://${PROXY_USER}:${encodeURIComponent(secret)}@127.0.0.1:${proxy.port}`,
      });
    }, 60_000);
  },
);

describe.each(TOTP_SECRETS.map((secret, i) => [i, secret.length, secret] as const))(
  'TOTP secret %i (%i characters)',
  (i, _length, secret) => {
    it('logs in with the generated code, then errors echo the second step; a wrong secret is refused', async () => {
      const tfa = { user: `tfa${i}@pve`, password: `tfa-pass-${i}-x7` };
      await using px = client(`totp ${i}`, { ...tfa, totpSecret: secret });
      await px.login();
      // Each echoed 401 makes a fresh login, and a TOTP step logs in once (proxmox-tfa
      // verify_totp): the login and one 401 spend this step and the next, a third would wait
      // for the next step. So the 401 is echoed once, on a GET.
      await echoCalls(`totp ${i}`, px, 'not-secret', ['400', '500']);
      await failure(`totp ${i} GET echo401`, () =>
        px.request('GET /nodes/{node}/echo401' as never, { node: 'pve1', note: 'not-secret' } as never),
      );
      const other = TOTP_SECRETS[(i + 1) % TOTP_SECRETS.length]!;
      await failure(`totp ${i} wrong secret`, () =>
        ProxmoxSDK.connect({ ...base, ...observed(`totp ${i} wrong`), ...tfa, totpSecret: other }),
      );
      await failure(
        `totp ${i} bad secret`,
        async () => new ProxmoxSDK({ ...base, ...tfa, totpSecret: `${secret}1` }),
      );
    });
  },
);

describe('the sweep', () => {
  const channelMessages: string[] = [];
  const listener = (message: unknown) => {
    channelMessages.push(`${JSON.stringify(message)} ${inspect(message, { depth: 8 })}`);
  };

  it('diagnostics_channel subscribers see no secret', async () => {
    subscribe('proxmox-sdk:request', listener);
    subscribe('proxmox-sdk:response', listener);
    try {
      for (const [i, secret] of SECRETS.entries()) {
        await failure(`channel ${i} login echo`, () =>
          ProxmoxSDK.connect({ ...base, user: `echo400${i}@pve`, password: secret }),
        );
        await using px = new ProxmoxSDK({ ...base, user: `sweep${i}@pve`, password: secret });
        await failure(`channel ${i} echo`, () =>
          px.request('POST /nodes/{node}/echo400' as never, { node: 'pve1', note: secret } as never),
        );
      }
    } finally {
      unsubscribe('proxmox-sdk:request', listener);
      unsubscribe('proxmox-sdk:response', listener);
    }
    expect(channelMessages.length).toBeGreaterThan(0);
    for (const [n, text] of channelMessages.entries()) scan.add(`diagnostics_channel ${n}`, text);
  });

  it('found no form of any secret in any captured text', () => {
    // Controls: the echoes carried the secrets (the masks show they were scrubbed, not absent).
    const echoed = scan.texts.filter((t) => t.where.endsWith(': message') && t.text.includes('last login:'));
    expect(echoed.length).toBeGreaterThan(20);
    expect(echoed.every((t) => t.text.includes('***'))).toBe(true);
    expect(scan.texts.length).toBeGreaterThan(500);
    expect(scan.leaks()).toEqual([]);
  });
});
