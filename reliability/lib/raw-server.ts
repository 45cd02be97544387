/**
 * A TLS server that speaks no HTTP of its own: it reads a request's head and hands the raw
 * socket to a behaviour, which writes whatever bytes a hostile server would (a chunked body
 * cut short, endless `100 Continue`, a compression bomb, a reset mid-body). The behaviour is
 * picked by the last path segment (`/api2/json/raw/<n>`); bytes written are counted per
 * path, so a scenario can check how far the client let the server get.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { simulatorCertificate } from '../../src/simulator/server/tls.js';

export interface RawRequest {
  method: string;
  url: string;
}

export interface RawSocket {
  /** Writes and counts; false when the socket is gone or its buffer is full (wait for drain). */
  write(data: string | Buffer): boolean;
  /** Resolves when the buffer drained, or at once when the socket closed. */
  drained(): Promise<void>;
  closed(): boolean;
  /** FIN after what was written. */
  end(): void;
  /** A TCP reset: the client sees ECONNRESET, not a clean end. */
  reset(): void;
  /** Runs `f` every `ms` until the socket closes. */
  every(ms: number, f: () => void): void;
}

export type Behaviour = (socket: RawSocket, request: RawRequest) => void | Promise<void>;

export interface RawServer {
  host: string;
  fingerprint: string;
  /** Registers a behaviour; returns the API path (below /api2/json) that gets it. */
  serve(behaviour: Behaviour): string;
  /** Bytes written for the path so far. */
  written(path: string): number;
  /** Requests that reached the path. */
  requests(path: string): number;
  close(): Promise<void>;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_REQUEST_HEAD = 64 * 1024;

export async function startRawServer(): Promise<RawServer> {
  const cert = await simulatorCertificate();
  const behaviours = new Map<string, Behaviour>();
  const written = new Map<string, number>();
  const requests = new Map<string, number>();
  const sockets = new Set<TLSSocket>();
  let next = 0;

  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (tls) => {
    sockets.add(tls);
    tls.on('close', () => sockets.delete(tls));
    tls.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const at = head.indexOf(HEAD_END);
      if (at === -1) {
        if (head.length > MAX_REQUEST_HEAD) tls.destroy();
        return;
      }
      tls.off('data', onData);
      // Request bodies are read and dropped: only the answer matters here.
      tls.on('data', () => undefined);
      const [method = '', url = ''] = head.subarray(0, at).toString('latin1').split('\r\n')[0]!.split(' ');
      const key = url.split('?')[0]!.split('/').pop() ?? '';
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const behaviour = behaviours.get(key);
      if (behaviour === undefined) {
        tls.destroy();
        return;
      }
      void Promise.resolve(behaviour(rawSocket(tls, key, written), { method, url })).catch(() =>
        tls.destroy(),
      );
    };
    tls.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const keyOf = (path: string) => path.split('/').pop() ?? '';
  return {
    host: `127.0.0.1:${port}`,
    fingerprint: cert.fingerprint,
    serve(behaviour) {
      const key = String(next++);
      behaviours.set(key, behaviour);
      return `/raw/${key}`;
    },
    written: (path) => written.get(keyOf(path)) ?? 0,
    requests: (path) => requests.get(keyOf(path)) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function rawSocket(tls: TLSSocket, key: string, written: Map<string, number>): RawSocket {
  const timers: NodeJS.Timeout[] = [];
  tls.on('close', () => {
    for (const t of timers) clearInterval(t);
  });
  const closed = () => tls.destroyed || !tls.writable;
  return {
    write(data) {
      if (closed()) return false;
      written.set(key, (written.get(key) ?? 0) + data.length);
      return tls.write(data);
    },
    drained: () =>
      new Promise<void>((resolve) => {
        if (closed() || tls.writableLength === 0) return resolve();
        const done = () => {
          tls.off('drain', done);
          tls.off('close', done);
          resolve();
        };
        tls.once('drain', done);
        tls.once('close', done);
      }),
    closed,
    end: () => tls.end(),
    reset() {
      // The TLS socket sits on the TCP one; resetting that sends the RST.
      const tcp = (tls as unknown as { _parent?: { resetAndDestroy?: () => void } })._parent;
      if (typeof tcp?.resetAndDestroy === 'function') tcp.resetAndDestroy();
      else if (typeof (tls as unknown as { resetAndDestroy?: () => void }).resetAndDestroy === 'function')
        (tls as unknown as { resetAndDestroy: () => void }).resetAndDestroy();
      else tls.destroy();
    },
    every(ms, f) {
      timers.push(setInterval(() => (closed() ? undefined : f()), ms));
    },
  };
}
