import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect as connectTcp, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { RunningSimulator, SimRequest } from '../../src/simulator/index.js';

/** Records every request the simulator's engine receives (method, url, headers). */
export function recordRequests(sim: RunningSimulator): SimRequest[] {
  const seen: SimRequest[] = [];
  const engine = sim.engine;
  const original = engine.handle.bind(engine);
  engine.handle = (req: SimRequest) => {
    seen.push(req);
    return original(req);
  };
  return seen;
}

export function account(sim: RunningSimulator, prefix: string) {
  const found = sim.users.find((u) => u.userid.startsWith(prefix));
  if (found === undefined) throw new Error(`no simulator user ${prefix}*`);
  return found;
}

export function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT` (`https://` with TLS), for the `proxy` option. */
  url: string;
  /** The `host:port` of every CONNECT it was asked for. */
  tunnels: string[];
  /** Each CONNECT's Proxy-Authorization header, and whether it came over TLS. */
  seen: Array<{ auth: string | undefined; encrypted: boolean }>;
  close(): Promise<void>;
}

/**
 * A CONNECT proxy on loopback that tunnels anywhere and answers 405 to the rest: plain HTTP,
 * or spoken to over TLS when given a key and certificate.
 */
export async function startConnectProxy(tls?: { key: string; cert: string }): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const seen: ConnectProxy['seen'] = [];
  const refuse = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(405).end();
  const proxy = tls ? createHttpsServer(tls, refuse) : createHttpServer(refuse);
  proxy.on('connect', (req: IncomingMessage, client: Socket) => {
    tunnels.push(req.url ?? '');
    seen.push({ auth: req.headers['proxy-authorization'], encrypted: client instanceof TLSSocket });
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connectTcp(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    tunnels,
    seen,
    close: async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
