/** A simulator over real TLS, and clients for its consoles. */
import { createCipheriv } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { ProxmoxSDK } from '../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';

export async function simulator(): Promise<RunningSimulator> {
  // Refusals answer at once here; pveproxy's 3 s pause is tested with the CLI's --auth-delay.
  return startSimulator({ taskDurationMs: 20, authFailureDelayMs: 0 });
}

export function rootClient(sim: RunningSimulator) {
  return new ProxmoxSDK({
    host: sim.host,
    port: sim.port,
    ca: sim.ca,
    user: 'root@pam',
    password: 'proxmox',
  });
}

export function tokenClient(sim: RunningSimulator) {
  const user = sim.users.find((u) => u.userid.startsWith('automation@'))!;
  const token = user.tokens.find((t) => t.tokenid === 'full')!;
  return {
    secret: token.value,
    px: new ProxmoxSDK({
      host: sim.host,
      port: sim.port,
      ca: sim.ca,
      user: user.userid,
      tokenName: 'full',
      tokenValue: token.value,
    }),
  };
}

/** Collects a stream's output and waits for a text to show up in it. */
export class Screen {
  text = '';
  ended = false;
  readonly #waiters: Array<() => void> = [];
  constructor(stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      for (const w of this.#waiters.splice(0)) w();
    });
    stream.on('end', () => {
      this.ended = true;
      for (const w of this.#waiters.splice(0)) w();
    });
    stream.on('error', () => {});
  }

  async waitFor(needle: string | RegExp, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = () => (typeof needle === 'string' ? this.text.includes(needle) : needle.test(this.text));
    while (!seen()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${needle}; screen: ${JSON.stringify(this.text)}`);
      if (this.ended) throw new Error(`stream ended before ${needle}; screen: ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async waitEnd(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('stream did not end');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** The client half of VNC Authentication (RFC 6143 7.2.2), written apart from the simulator's. */
export function desResponse(password: string, challenge: Buffer): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key);
  const mirrored = Buffer.from(
    key.map((b) => Number.parseInt(b.toString(2).padStart(8, '0').split('').reverse().join(''), 2)),
  );
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([mirrored, mirrored, mirrored]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

/** Reads a byte stream in exact pieces (the server speaks RFB in fixed-size messages). */
export class ByteReader {
  #buf: Buffer = Buffer.alloc(0);
  #ended = false;
  constructor(stream: Duplex) {
    stream.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
    });
    stream.on('end', () => {
      this.#ended = true;
    });
    stream.on('error', () => {});
  }

  async read(n: number, timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.#buf.length < n) {
      if (Date.now() > deadline || this.#ended)
        throw new Error(`wanted ${n} bytes, have ${this.#buf.length}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }
}

/** A ticket cookie of root@pam, got with a plain login (no SDK code involved). */
export async function rootCookie(sim: RunningSimulator): Promise<string> {
  const px = rootClient(sim);
  try {
    const r = (await px.request('POST /access/ticket', { username: 'root@pam', password: 'proxmox' })) as {
      ticket: string;
    };
    return `PVEAuthCookie=${encodeURIComponent(r.ticket)}`;
  } finally {
    await px.close();
  }
}

export type RawUpgrade = { ws: WebSocket; protocol: string } | { status: number; reason: string };

/**
 * A websocket upgrade made with `ws` alone, as any client would (a check of the
 * simulator's side that shares nothing with the SDK's console code).
 */
export function rawUpgrade(
  sim: RunningSimulator,
  path: string,
  query: Record<string, string | number>,
  headers: Record<string, string>,
): Promise<RawUpgrade> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const ws = new WebSocket(`wss://${sim.host}:${sim.port}/api2/json${path}/vncwebsocket?${qs}`, ['binary'], {
    ca: sim.ca,
    headers,
  });
  ws.binaryType = 'nodebuffer';
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, protocol: ws.protocol }));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '' });
    });
    ws.once('error', reject);
  });
}

/** Collects what a raw websocket receives. */
export function received(ws: WebSocket): { text: () => string; closed: Promise<void> } {
  const chunks: Buffer[] = [];
  ws.on('message', (data: Buffer) => chunks.push(data));
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return { text: () => Buffer.concat(chunks).toString('utf8'), closed };
}

/** The error a promise rejects with (it must reject), typed as the SDK's errors are. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code: string; statusCode?: number; certificate?: boolean }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error & { code: string }) => error,
  );
}
