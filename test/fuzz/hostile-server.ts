/**
 * A raw HTTPS server that answers each request the way a test told it to: broken JSON,
 * wrong envelopes, a reverse proxy's HTML, bodies cut short, resets, endless bodies.
 * The answer is picked by the last path segment (`/api2/json/hostile/<n>`).
 */
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
  | { kind: 'endless' };

export interface HostileServer {
  host: string;
  fingerprint: string;
  /** Registers an answer; returns the path that gets it. */
  answer(a: Answer): string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startHostile(): Promise<HostileServer> {
  const cert = await simulatorCertificate();
  const answers = new Map<string, Answer>();
  const sockets = new Set<Socket>();
  let connections = 0;
  let next = 0;
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answers.get((req.url ?? '').split('?')[0]!.split('/').pop() ?? '');
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
