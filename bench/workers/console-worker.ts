/**
 * Console figures for bench/scenarios/console.ts, in a process of its own (argv[2]: the
 * target as JSON, argv[3]: `quick` or `full`). Prints one JSON line `{ rows }`.
 *
 * Two clients over the same wire (token auth, a node shell on the simulator, which asks
 * for a login as for any user but root@pam):
 *  - `sdk`: px.consoles.shell() from the built package, used as a Duplex.
 *  - `floor`: the least a Node client can do: the same termproxy call, then a bare `ws`
 *    socket speaking termproxy's frames itself (no Duplex, no piecing, no keepalive).
 * Measured: opening a console (termproxy POST + upgrade + `OK`, sdk only), the echo of one
 * keystroke, a command's round trip (`echo N` to the next prompt), output throughput (`seq`)
 * and input throughput (a pasted line echoed back).
 */
import { WebSocket } from 'ws';
import { packageUrl } from '../lib/package-build.js';
import { median } from '../lib/stats.js';
import type { Target } from '../sim-process.js';

const { ProxmoxSDK } = (await import(packageUrl('index'))) as typeof import('../../src/index.js');

const target = JSON.parse(process.argv[2] ?? '{}') as Target;
const quick = process.argv[3] === 'quick';
const COUNTS = quick
  ? { opens: 5, keys: 100, commands: 50, seq: 50_000, paste: 256 * 1024 }
  : { opens: 20, keys: 500, commands: 200, seq: 200_000, paste: 1024 * 1024 };

/** The two sides of a console, whoever implements them. */
interface Wire {
  write(data: string): void;
  onData(listener: (chunk: Buffer) => void): void;
  close(): void;
}

/** Waits for text on a console; keeps only what may still hold the awaited text. */
class Screen {
  #text = '';
  #bytes = 0;
  #waiter: (() => void) | undefined;
  constructor(wire: Wire) {
    wire.onData((chunk) => {
      this.#bytes += chunk.length;
      this.#text += chunk.toString('latin1');
      this.#waiter?.();
    });
  }
  /** Bytes received so far. */
  get bytes(): number {
    return this.#bytes;
  }
  until(needle: string): Promise<void> {
    return this.#wait(() => {
      const at = this.#text.indexOf(needle);
      if (at >= 0) {
        this.#text = this.#text.slice(at + needle.length);
        return true;
      }
      // Text before the last needle.length - 1 characters cannot start a match any more.
      this.#text = needle.length > 1 ? this.#text.slice(-(needle.length - 1)) : '';
      return false;
    });
  }
  untilBytes(total: number): Promise<void> {
    return this.#wait(() => this.#bytes >= total);
  }
  async #wait(done: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) throw new Error('console bench: timed out waiting for output');
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
        setTimeout(resolve, 1000).unref();
      });
    }
  }
}

const px = new ProxmoxSDK({
  host: target.host,
  port: target.port,
  fingerprint: target.fingerprint,
  user: target.user,
  tokenName: target.tokenName,
  tokenValue: target.tokenValue,
});
const nodes = (await px.request('GET /nodes')) as Array<{ node: string }>;
const node = nodes[0]!.node;
const PROMPT = `:~# `;

async function sdkWire(): Promise<Wire> {
  const term = await px.consoles.shell(node);
  return {
    write: (data) => term.write(data),
    onData: (listener) => term.on('data', listener),
    close: () => term.destroy(),
  };
}

async function floorWire(): Promise<Wire> {
  const t = (await px.request('POST /nodes/{node}/termproxy', { node })) as {
    user: string;
    ticket: string;
    port: number;
  };
  const qs = new URLSearchParams({ port: String(t.port), vncticket: t.ticket });
  const ws = new WebSocket(
    `wss://${target.host}:${target.port}/api2/json/nodes/${node}/vncwebsocket?${qs}`,
    ['binary'],
    {
      headers: { authorization: `PVEAPIToken=${target.user}!${target.tokenName}=${target.tokenValue}` },
      // The floor pins nothing: a check per connection, not per message, and it is not what is measured.
      rejectUnauthorized: false,
      perMessageDeflate: false,
    },
  );
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let closing = false;
  ws.once('close', (code) => {
    if (closing) return;
    console.error(`floor: the console closed (${code})`);
    process.exit(1);
  });
  ws.send(`${t.user}:${t.ticket}\n`);
  const listeners: Array<(chunk: Buffer) => void> = [];
  let ready = false;
  await new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      if (!ready) {
        ready = true; // the first message is termproxy's `OK`
        resolve();
        if (data.length > 2) for (const l of listeners) l(data.subarray(2));
        return;
      }
      for (const l of listeners) l(data);
    });
  });
  return {
    // Pieces under pveproxy's 128 KiB frame limit, which any working client must respect.
    write: (data) => {
      for (let at = 0; at < data.length; at += 64 * 1024) {
        const piece = data.slice(at, at + 64 * 1024);
        ws.send(`0:${Buffer.byteLength(piece)}:${piece}`);
      }
    },
    onData: (listener) => listeners.push(listener),
    close: () => {
      closing = true;
      ws.terminate();
    },
  };
}

async function loggedIn(open: () => Promise<Wire>): Promise<{ wire: Wire; screen: Screen }> {
  const wire = await open();
  const screen = new Screen(wire);
  await screen.until(' login: ');
  wire.write('root\r');
  await screen.until('Password: ');
  wire.write('bench\r');
  await screen.until(PROMPT);
  return { wire, screen };
}

const p95 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? Number.NaN;

async function measure(client: 'sdk' | 'floor', open: () => Promise<Wire>) {
  const row: Record<string, number | string> = { client };
  if (client === 'sdk') {
    const opens: number[] = [];
    for (let i = 0; i < COUNTS.opens; i++) {
      const t0 = performance.now();
      const wire = await open();
      const screen = new Screen(wire);
      await screen.until(' login: ');
      opens.push(performance.now() - t0);
      wire.close();
    }
    row['open ms'] = median(opens);
  }
  const { wire, screen } = await loggedIn(open);
  const keys: number[] = [];
  for (let i = 0; i < COUNTS.keys; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const t0 = performance.now();
    wire.write(key);
    await screen.until(key);
    keys.push(performance.now() - t0);
  }
  wire.write('\x03');
  await screen.until(PROMPT);
  row['key echo ms'] = median(keys);
  row['key p95 ms'] = p95(keys);

  const commands: number[] = [];
  for (let i = 0; i < COUNTS.commands; i++) {
    const t0 = performance.now();
    wire.write(`echo ${100000 + i}\r`);
    await screen.until(`\r\n${100000 + i}\r\n`);
    await screen.until(PROMPT);
    commands.push(performance.now() - t0);
  }
  row['command ms'] = median(commands);

  let bytes = screen.bytes;
  let t0 = performance.now();
  wire.write(`seq ${COUNTS.seq}\r`);
  await screen.until(`\r\n${COUNTS.seq}\r\n`);
  await screen.until(PROMPT);
  row['output MB/s'] = (screen.bytes - bytes) / 1e6 / ((performance.now() - t0) / 1000);

  const paste = 'x'.repeat(COUNTS.paste);
  bytes = screen.bytes;
  t0 = performance.now();
  wire.write(paste);
  await screen.untilBytes(bytes + COUNTS.paste);
  row['input MB/s'] = COUNTS.paste / 1e6 / ((performance.now() - t0) / 1000);
  wire.write('\x03');
  await screen.until(PROMPT);
  wire.close();
  return row;
}

// Rounds alternate which client goes first, so that neither always meets a cold simulator.
const ROUNDS = quick ? 2 : 4;
const clients = { sdk: sdkWire, floor: floorWire } as const;
const samples: Record<string, Array<Record<string, number | string>>> = { sdk: [], floor: [] };
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? (['sdk', 'floor'] as const) : (['floor', 'sdk'] as const);
  for (const client of order) samples[client]!.push(await measure(client, clients[client]));
}
const rows = Object.entries(samples).map(([client, list]) => {
  const row: Record<string, number | string> = { client };
  for (const key of Object.keys(list[0]!))
    if (key !== 'client') row[key] = median(list.map((r) => Number(r[key])));
  return row;
});
await px.close();
console.log(JSON.stringify({ rows }));
process.exit(0);
