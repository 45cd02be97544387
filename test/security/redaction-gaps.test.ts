/**
 * Scrubbing gaps of issue 15.6, each reproduced by a server that keeps the login body it got
 * and echoes it in the error of the next call: a 3-character password, a password that comes
 * back JSON-escaped (`bodyEncoding: 'json'`, as sent, and with non-ASCII as `\uXXXX` the way
 * Perl's and Python's encoders write it), a password echoed as a key of the `errors` map, and
 * (issue 15.5) the PMG one-time code generated from `totpSecret`.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxmoxOptions, ProxmoxSDK, ResourceException } from '../../src/index.js';
import { type RunningSimulator, type SimResponse, startSimulator } from '../../src/simulator/index.js';

const SHORT = 'q7z';
const ESCAPED = 'Pw"q\\é/€-7d1';
const KEYED = 'Key-Echo-Pass-5b2c';

let sim: RunningSimulator;
let base: ProxmoxOptions;
/** The last login body, raw as it came, and the password in it. */
let login = { raw: '', password: '' };

/** The body as a Perl or Python JSON encoder would write it: non-ASCII as \uXXXX. */
const asciiJson = (text: string) =>
  text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Echoes the login body in the message and the errors map, its password as an errors key. */
function echoLogin(): SimResponse {
  const { raw, password } = login;
  return {
    status: 400,
    statusText: 'Parameter verification failed.',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      data: null,
      message: `Parameter verification failed: ${raw} / ${asciiJson(raw)}\n`,
      errors: { [password]: 'property is not defined in schema', body: `got ${raw}` },
    }),
    closeConnection: true,
  };
}

beforeAll(async () => {
  sim = await startSimulator({ service: 'PVE', authFailureDelayMs: 0 });
  for (const [userid, password] of [
    ['short@pve', SHORT],
    ['escaped@pve', ESCAPED],
    ['keyed@pve', KEYED],
  ] as const) {
    sim.engine.access.addUser({ userid, password });
    sim.engine.access.grant('/', userid, 'PVEAuditor');
  }
  echoLogins(sim);
  base = { host: `${sim.host}:${sim.port}`, fingerprint: sim.fingerprint, retries: 0 };
});
afterAll(async () => {
  await sim?.close();
});

/** Makes a simulator keep each login body and echo it on `/echo-login`. */
function echoLogins(sim: RunningSimulator): void {
  const handle = sim.engine.handle.bind(sim.engine);
  sim.engine.handle = async (req) => {
    const path = req.url.split('?')[0] ?? '';
    if (path.endsWith('/access/ticket') && req.method === 'POST') {
      const raw = req.body?.toString() ?? '';
      const json = String(req.headers['content-type']).includes('json');
      const password = json
        ? String((JSON.parse(raw) as { password?: unknown }).password)
        : (new URLSearchParams(raw).get('password') ?? '');
      login = { raw, password };
    }
    if (path.endsWith('/echo-login')) return echoLogin();
    return handle(req);
  };
}

/** Logs in (the server keeps the body), then calls the route that echoes it. */
async function echoError(options: Partial<ProxmoxOptions>, to = base): Promise<ResourceException> {
  await using px = await ProxmoxSDK.connect({ ...to, ...options } as ProxmoxOptions);
  const error = await px.request('GET /nodes/{node}/echo-login', { node: 'pve1' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ResourceException);
  return error as ResourceException;
}

/** Every text a user could see of an error: message, inspect (cause chain), JSON, the errors map. */
const shown = (error: ResourceException) => [
  error.message,
  inspect(error, { depth: 8, showHidden: true }),
  JSON.stringify(error),
  JSON.stringify(Object.keys(error.errors ?? {})),
];

describe('issue 15.6: scrubbing gaps, against a server that echoes the login', () => {
  it('a 3-character password is scrubbed where it stands alone (form body)', async () => {
    const error = await echoError({ user: 'short@pve', password: SHORT });
    expect(login.raw).toContain(`password=${SHORT}`);
    expect(error.message).toContain('password=***');
    for (const text of shown(error)) expect(text).not.toMatch(/(?<![\p{L}\p{N}])q7z(?![\p{L}\p{N}])/u);
  });

  it("a password with quotes, backslashes and non-ASCII is scrubbed JSON-escaped (bodyEncoding 'json')", async () => {
    const password = ESCAPED;
    const error = await echoError({ user: 'escaped@pve', password, bodyEncoding: 'json' });
    const escaped = JSON.stringify(password).slice(1, -1);
    // The login did go out as JSON, so the echo holds the escaped form.
    expect(login.raw).toContain(escaped);
    for (const text of shown(error)) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(escaped);
      expect(text).not.toContain(asciiJson(escaped));
      expect(text).not.toContain('7d1');
    }
    // The rest of the echo survives: the error still says what the server answered.
    expect(error.message).toContain('"username":"escaped@pve"');
  });

  it('a password echoed as a key of the errors map is scrubbed from the key', async () => {
    const password = KEYED;
    const error = await echoError({ user: 'keyed@pve', password });
    expect(Object.keys(error.errors ?? {})).toContain('***');
    expect(error.errors?.['***']).toBe('property is not defined in schema');
    for (const text of shown(error)) expect(text).not.toContain(password);
  });

  it('PMG: the one-time code made from totpSecret is scrubbed when the login is echoed (issue 15.5)', async () => {
    // PMG takes the code as `otp` in the login request itself (pmg-api PMG/API2/AccessControl.pm).
    const pmg = await startSimulator({ service: 'PMG', authFailureDelayMs: 0 });
    try {
      echoLogins(pmg);
      const totpSecret = pmg.users.find((u) => u.userid === 'tfa@pmg')?.totpSecret;
      expect(totpSecret).toBeDefined();
      const to = {
        host: `${pmg.host}:${pmg.port}`,
        fingerprint: pmg.fingerprint,
        retries: 0,
        service: 'PMG',
      };
      const error = await echoError(
        { user: 'tfa@pmg', password: 'two-factor', totpSecret: totpSecret! },
        to as ProxmoxOptions,
      );
      const code = new URLSearchParams(login.raw).get('otp');
      expect(code).toMatch(/^\d{6}$/);
      expect(error.message).toContain('otp=***');
      for (const text of shown(error)) expect(text).not.toContain(code);
    } finally {
      await pmg.close();
    }
  });
});
