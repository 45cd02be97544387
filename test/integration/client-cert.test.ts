/**
 * TLS client certificates (issue 2): a Proxmox behind a reverse proxy that demands mutual
 * TLS, played by the simulator with `clientCa`. The options `cert` and `key` (PEM or file
 * paths, an encrypted key with `passphrase`) are proven over real TLS, with tokens and
 * ticket logins, pinning, a CONNECT proxy and stored options; refusals are ConnectionErrors
 * that say what happened, and the key never shows in an error or an inspection.
 */
import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isConnectionError,
  isInvalidArgumentError,
  type ProxmoxOptions,
  ProxmoxSDK,
} from '../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';
import { account, type ConnectProxy, recordRequests, startConnectProxy } from './helpers.js';

interface Pair {
  key: string;
  cert: string;
}
const PASSPHRASE = 'client-Key-Passphrase-5521';
const DAY = 86_400_000;
let sim: RunningSimulator;
let trusted: Pair;
let untrusted: Pair;
let encryptedKey: string;
let clientCaPem: string;
let dir: string;
let base: ProxmoxOptions;
let token: ProxmoxOptions;
/** Every message, JSON and inspection produced, scanned for the keys at the end. */
const texts: string[] = [];

async function makeCa(name: string): Promise<Pair> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - DAY),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

async function makeClient(ca: Pair, name: string): Promise<Pair> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - DAY),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

beforeAll(async () => {
  const ca = await makeCa('proxmox-sdk test client CA');
  trusted = await makeClient(ca, 'automation client');
  untrusted = await makeClient(await makeCa('some other CA'), 'stranger');
  encryptedKey = createPrivateKey(trusted.key)
    .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PASSPHRASE })
    .toString();
  dir = mkdtempSync(join(tmpdir(), 'proxmox-client-cert-'));
  clientCaPem = ca.cert;
  sim = await startSimulator({ clientCa: ca.cert });
  base = { host: `${sim.host}:${sim.port}`, fingerprint: sim.fingerprint };
  const automation = account(sim, 'automation@');
  const full = automation.tokens.find((t) => !t.privsep)!;
  token = { ...base, user: automation.userid, tokenName: full.tokenid, tokenValue: full.value };
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  // The base64 body of each private key, and the passphrase, in nothing the SDK produced.
  const secrets = [trusted.key, untrusted.key, encryptedKey]
    .flatMap((pem) => pem.split('\n'))
    .filter((line) => line.length >= 16 && !line.startsWith('-----'))
    .concat(PASSPHRASE);
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
});

async function failure(run: () => Promise<unknown> | unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    const e = error as Error;
    texts.push(e.message, JSON.stringify(e), String(e.stack), inspect(e, { depth: 8 }));
    return e;
  }
  throw new Error('expected a failure');
}

/** A TCP forwarder to `port` that counts connections: one per attempt. */
async function forwarder(port: number) {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    count++;
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function version(options: ProxmoxOptions): Promise<unknown> {
  await using px = await ProxmoxSDK.connect(options);
  texts.push(inspect(px), inspect(px.options, { depth: 4 }), JSON.stringify(px.options));
  return (await px.version.get()).version;
}

describe('with a client certificate the server trusts', () => {
  it('an API token goes through (PEM strings)', async () => {
    const seen = recordRequests(sim);
    expect(await version({ ...token, cert: trusted.cert, key: trusted.key })).toBeTypeOf('string');
    expect(seen.length).toBeGreaterThan(0);
  });

  it('a password login (ticket) and the calls after it go through', async () => {
    await using px = await ProxmoxSDK.connect({
      ...base,
      user: 'root@pam',
      password: 'proxmox',
      cert: trusted.cert,
      key: trusted.key,
    });
    const nodes = await px.nodes.get();
    expect(nodes.map((n: { node: string }) => n.node)).toContain('pve1');
  });

  it('cert and key as Buffers, as file paths, or one file holding both', async () => {
    const certFile = file('client.crt', trusted.cert);
    const keyFile = file('client.key', trusted.key);
    const both = file('client.pem', `${trusted.key}${trusted.cert}`);
    const buffers = { cert: Buffer.from(trusted.cert), key: Buffer.from(trusted.key) };
    expect(await version({ ...token, ...buffers })).toBeTypeOf('string');
    expect(await version({ ...token, cert: certFile, key: keyFile })).toBeTypeOf('string');
    expect(await version({ ...token, cert: both })).toBeTypeOf('string');
  });

  it('an encrypted key opens with passphrase', async () => {
    expect(
      await version({ ...token, cert: trusted.cert, key: encryptedKey, passphrase: PASSPHRASE }),
    ).toBeTypeOf('string');
    const keyFile = file('encrypted.key', encryptedKey);
    expect(await version({ ...token, cert: trusted.cert, key: keyFile, passphrase: PASSPHRASE })).toBeTypeOf(
      'string',
    );
  });

  it('works with the server CA instead of a pin, and a wrong pin is still refused', async () => {
    const client = { cert: trusted.cert, key: trusted.key };
    const { fingerprint: _pin, ...unpinned } = token;
    expect(await version({ ...unpinned, ca: sim.ca, ...client })).toBeTypeOf('string');
    const wrong = `${sim.fingerprint.startsWith('00') ? '11' : '00'}${sim.fingerprint.slice(2)}`;
    const error = await failure(() => version({ ...token, ...client, fingerprint: wrong, retries: 0 }));
    expect(isConnectionError(error)).toBe(true);
    expect(error.message).toMatch(/pinned fingerprint/);
  });

  it('credentials stored as a secret directory (one file per key, as Kubernetes mounts it)', async () => {
    const secret = join(dir, 'secret');
    mkdirSync(secret, { mode: 0o700 });
    const entries: Record<string, string> = {
      host: token.host as string,
      fingerprint: sim.fingerprint,
      user: token.user!,
      token_name: token.tokenName!,
      token_value: token.tokenValue!,
      cert: trusted.cert,
      key: trusted.key,
    };
    for (const [name, text] of Object.entries(entries))
      writeFileSync(join(secret, name), text, { mode: 0o600 });
    await using px = await ProxmoxSDK.fromFile(secret);
    expect((await px.version.get()).version).toBeTypeOf('string');
  });

  it('fromEnv: PROXMOX_CA, PROXMOX_CERT and PROXMOX_KEY name PEM files', async () => {
    const { fingerprint: _pin, ...unpinned } = token;
    const variables = {
      PROXMOX_HOST: unpinned.host as string,
      PROXMOX_CA: file('env-ca.pem', sim.ca),
      PROXMOX_USER: token.user!,
      PROXMOX_TOKEN_NAME: token.tokenName!,
      PROXMOX_TOKEN_VALUE: token.tokenValue!,
      PROXMOX_CERT: file('env.crt', trusted.cert),
      PROXMOX_KEY: file('env.key', trusted.key),
    };
    Object.assign(process.env, variables);
    try {
      await using px = ProxmoxSDK.fromEnv();
      expect((await px.version.get()).version).toBeTypeOf('string');
    } finally {
      for (const name of Object.keys(variables)) delete process.env[name];
    }
  });

  it('the CLI takes --ca, --cert and --key as files', async () => {
    const { proxmox, baseEnv, tempConfigHome } = await import('../cli/helpers.js');
    const { fingerprint: _pin, ...unpinned } = token;
    const args = ['get', '/version', '--output-format', 'json', '--host', unpinned.host as string];
    const env = baseEnv(await tempConfigHome(), {
      PROXMOX_USER: token.user!,
      PROXMOX_TOKEN_NAME: token.tokenName!,
      PROXMOX_TOKEN_VALUE: token.tokenValue!,
    });
    const files = ['--ca', file('cli-ca.pem', sim.ca), '--cert', file('cli.crt', trusted.cert)];
    const ok = await proxmox([...args, ...files, '--key', file('cli.key', trusted.key)], { env });
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout).version).toBeTypeOf('string');
    const refused = await proxmox([...args, '--ca', file('cli-ca.pem', sim.ca)], { env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/client certificate/);
    texts.push(ok.stdout, ok.stderr, refused.stdout, refused.stderr);
  }, 30_000);

  it('proxmox mock serve --client-ca: the CLI simulator demands the certificate too', async () => {
    const { baseEnv, cliBin, proxmox, tempConfigHome } = await import('../cli/helpers.js');
    const env = baseEnv(await tempConfigHome());
    const serve = spawn(
      process.execPath,
      [
        await cliBin(),
        'mock',
        'serve',
        '--json',
        '--port',
        '0',
        '--client-ca',
        file('serve-ca.pem', clientCaPem),
      ],
      { env },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        serve.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        serve.on('close', (code) => reject(new Error(`mock serve exited with ${code}`)));
      });
      const info = JSON.parse(line) as {
        host: string;
        port: number;
        fingerprint: string;
        users: { userid: string; password: string }[];
      };
      const root = info.users.find((u) => u.userid === 'root@pam')!;
      const args = [
        'get',
        '/version',
        '--output-format',
        'json',
        '--host',
        `${info.host}:${info.port}`,
        '--user',
        'root@pam',
        '--fingerprint',
        info.fingerprint,
        '--password-stdin',
      ];
      const ok = await proxmox(
        [...args, '--cert', file('serve.crt', trusted.cert), '--key', file('serve.key', trusted.key)],
        { env, input: `${root.password}\n` },
      );
      expect(ok.stderr).toBe('');
      expect(JSON.parse(ok.stdout).version).toBeTypeOf('string');
      const refused = await proxmox(args, { env, input: `${root.password}\n` });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/client certificate/);
    } finally {
      serve.kill('SIGTERM');
    }
    const missing = await proxmox(['mock', 'serve', '--client-ca', join(dir, 'no-such.pem')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--client-ca: cannot read/);
  }, 30_000);

  it('ca as a file path; a file that holds no certificate is refused at construction', async () => {
    const { fingerprint: _pin, ...unpinned } = token;
    const client = { cert: trusted.cert, key: trusted.key };
    expect(await version({ ...unpinned, ca: file('ca.pem', sim.ca), ...client })).toBeTypeOf('string');
    expect(await version({ ...unpinned, ca: [file('ca2.pem', sim.ca)], ...client })).toBeTypeOf('string');
    const error = await failure(
      async () => new ProxmoxSDK({ ...unpinned, ca: file('not-ca.pem', 'hello'), ...client }),
    );
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(error.message).toMatch(/option ca: not a PEM certificate/);
  });
});

describe('refused handshakes', () => {
  it('without a certificate: ConnectionError saying one is required, nothing reached Proxmox, no retry', async () => {
    const seen = recordRequests(sim);
    const forward = await forwarder(sim.port);
    try {
      for (const options of [token, { ...base, user: 'root@pam', password: 'proxmox' }]) {
        const before = forward.connections();
        const error = await failure(() =>
          version({ ...options, host: `127.0.0.1:${forward.port}`, retries: 3 }),
        );
        expect(isConnectionError(error)).toBe(true);
        expect(error.message).toMatch(/requires a client certificate \(options cert and key\)/);
        expect(error.message).not.toMatch(/SSL routines|rec_layer|other side closed/);
        expect(forward.connections() - before).toBe(1);
      }
    } finally {
      await forward.close();
    }
    expect(seen).toEqual([]);
  });

  it('with a certificate from a CA the server does not trust: ConnectionError naming the certificate', async () => {
    const seen = recordRequests(sim);
    const error = await failure(() => version({ ...token, cert: untrusted.cert, key: untrusted.key }));
    expect(isConnectionError(error)).toBe(true);
    expect(error.message).toMatch(/may have refused the client certificate/);
    expect(seen).toEqual([]);
  });

  it('a TLS 1.2 server refuses in the handshake itself: same error, no retry', async () => {
    const own = await simulatorCertificate();
    let connections = 0;
    const server: Server = createServer({
      key: own.key,
      cert: own.cert,
      ca: sim.ca,
      requestCert: true,
      rejectUnauthorized: true,
      maxVersion: 'TLSv1.2',
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const error = await failure(() => version({ ...token, host: `127.0.0.1:${port}`, retries: 3 }));
      expect(isConnectionError(error)).toBe(true);
      expect(error.message).toMatch(/TLS alert 'handshake failure'.*may require a client certificate/);
      expect(connections).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a proxy that answers 400 instead of refusing the handshake (nginx ssl_verify_client on)', () => {
  const page = (why: string) =>
    `<html>\r\n<head><title>400 ${why}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>${why}</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  const cases: Array<[string, RegExp]> = [
    ['No required SSL certificate was sent', /requires a TLS client certificate: options cert and key/],
    ['The SSL certificate error', /refused the TLS client certificate given in option cert/],
  ];
  for (const [why, hint] of cases) {
    it(`"${why}" becomes a ResourceException that names the client certificate`, async () => {
      const own = await simulatorCertificate();
      const server: Server = createServer({ key: own.key, cert: own.cert }, (_req, res) => {
        res.writeHead(400, 'Bad Request', { 'content-type': 'text/html' });
        res.end(page(why));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const error = await failure(() =>
          version({ ...token, host: `127.0.0.1:${port}`, fingerprint: own.fingerprint }),
        );
        expect(error.name).toBe('ResourceException');
        expect(error.message).toMatch(/400 Bad Request/);
        expect(error.message).toMatch(hint);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }
});

describe('options checked at construction', () => {
  const cases: Array<[string, () => ProxmoxOptions, RegExp]> = [
    ['cert without key', () => ({ cert: trusted.cert }), /options cert and key: give both/],
    ['key without cert', () => ({ key: trusted.key }), /options cert and key: give both/],
    ['a key of another certificate', () => ({ cert: trusted.cert, key: untrusted.key }), /does not belong/],
    [
      'encrypted key, no passphrase',
      () => ({ cert: trusted.cert, key: encryptedKey }),
      /give its passphrase/,
    ],
    [
      'encrypted key, wrong passphrase',
      () => ({ cert: trusted.cert, key: encryptedKey, passphrase: 'not-it' }),
      /passphrase does not open it/,
    ],
    ['a missing file', () => ({ cert: join(dir, 'nope.crt'), key: trusted.key }), /readable file \(ENOENT\)/],
    // Key text without its PEM armour is taken for a path: the message must not echo it.
    [
      'key text without its armour',
      () => ({ cert: trusted.cert, key: trusted.key.split('\n').slice(1, -2).join('') }),
      /option key: neither PEM text nor a readable file/,
    ],
    [
      'not a certificate',
      () => ({ cert: trusted.key, key: trusted.key }),
      /option cert: not a PEM certificate/,
    ],
  ];
  for (const [name, options, message] of cases) {
    it(name, async () => {
      const error = await failure(() => new ProxmoxSDK({ ...token, ...options() }));
      expect(isInvalidArgumentError(error)).toBe(true);
      expect(error.message).toMatch(message);
    });
  }
});

describe('through a CONNECT proxy', () => {
  let proxy: ConnectProxy;
  beforeAll(async () => {
    proxy = await startConnectProxy();
  });
  afterAll(() => proxy.close());

  it('presents the certificate to Proxmox, not to the proxy', async () => {
    expect(await version({ ...token, proxy: proxy.url, cert: trusted.cert, key: trusted.key })).toBeTypeOf(
      'string',
    );
    expect(proxy.tunnels).toContain(`127.0.0.1:${sim.port}`);
    const error = await failure(() => version({ ...token, proxy: proxy.url, retries: 0 }));
    expect(isConnectionError(error)).toBe(true);
    expect(error.message).toMatch(/requires a client certificate/);
  });
});
