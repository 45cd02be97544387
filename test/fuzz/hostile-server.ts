/**
 * A raw HTTPS server that answers each request the way a test told it to: broken JSON,
 * wrong envelopes, a reverse proxy's HTML, bodies cut short, resets, endless bodies.
 * The answer is picked by the last path segment (`/api2/json/hostile/<n>`).
 */
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';

export type Answer =
  | { kind: 'raw'; status: number; headers: Record<string, string>; body: Buffer }
  /** Announces more bytes than it sends, then closes the connection. */
  | { kind: 'cut'; status: number; body: Buffer }
  /** Drops the connection without answering. */
  | { kind: 'reset' }
  /** Sends the head and a trickle of body that never ends. */
  | { kind: 'endless' }
  /**
   * `{"data":"` and then `bytes` of `x` as fast as the client reads, made on the fly (the
   * server holds no such buffer); `announce` sends the true Content-Length first.
   */
  | { kind: 'flood'; bytes: number; announce?: boolean }
  /** A head announcing `length` bytes, then nothing. */
  | { kind: 'promise'; length: number }
  /** `count` response headers of `size` bytes each, then a correct `{data}` answer. */
  | { kind: 'headers'; count: number; size: number }
  /** Reads the request and never answers. */
  | { kind: 'silent' };

export interface HostileServer {
  host: string;
  fingerprint: string;
  /** Registers an answer; returns the path that gets it. */
  answer(a: Answer): string;
  /** Connections accepted so far. */
  connections(): number;
  /** Body bytes the server managed to write for the answer at `path` before the client hung up. */
  written(path: string): number;
  close(): Promise<void>;
}

export async function startHostile(): Promise<HostileServer> {
  const cert = await simulatorCertificate();
  const answers = new Map<string, Answer>();
  const written = new Map<string, number>();
  const sockets = new Set<Socket>();
  let connections = 0;
  let next = 0;
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const key = (req.url ?? '').split('?')[0]!.split('/').pop() ?? '';
      const a = answers.get(key);
      if (a === undefined || a.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (a.kind === 'raw') {
        res.writeHead(a.status, { ...a.headers, 'content-length': a.body.length });
        res.end(a.body);
      } else if (a.kind === 'cut') {
        res.writeHead(a.status, {
          'content-type': 'application/json',
          'content-length': a.body.length + 100,
        });
        res.write(a.body, () => req.socket.destroy());
      } else if (a.kind === 'flood') {
        const head = '{"data":"';
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(a.announce ? { 'content-length': head.length + a.bytes + 2 } : {}),
        });
        res.write(head);
        flood(res, a.bytes, (n) => written.set(key, n));
      } else if (a.kind === 'promise') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': a.length });
        res.flushHeaders();
      } else if (a.kind === 'headers') {
        const body = Buffer.from('{"data":"ok"}');
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        for (let i = 0; i < a.count; i++) headers[`x-flood-${i}`] = 'h'.repeat(a.size);
        res.writeHead(200, { ...headers, 'content-length': body.length });
        res.end(body);
      } else if (a.kind === 'silent') {
        // Holds the request open: only the client's timeout ends it.
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":"');
        const timer = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(timer));
      }
    });
  });
  server.on('secureConnection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    fingerprint: cert.fingerprint,
    answer(a) {
      const key = String(next++);
      answers.set(key, a);
      return `/hostile/${key}`;
    },
    connections: () => connections,
    written: (path) => written.get(path.split('/').pop() ?? '') ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `bytes` of `x` in 1 MiB chunks as the socket drains, then ends the JSON string. */
function flood(res: ServerResponse, bytes: number, progress: (sent: number) => void): void {
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  let sent = 0;
  const pump = () => {
    while (sent < bytes) {
      const part = bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent);
      sent += part.length;
      progress(sent);
      if (!res.write(part)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end('"}');
  };
  res.on('close', () => res.removeListener('drain', pump));
  pump();
}
