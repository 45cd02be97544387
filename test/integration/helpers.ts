import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, connect as connectTcp, type Socket } from 'node:net';
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
  /** `http://127.0.0.1:PORT`, for the `proxy` option. */
  url: string;
  /** The `host:port` of every CONNECT it was asked for. */
  tunnels: string[];
  close(): Promise<void>;
}

/** A plain HTTP CONNECT proxy on loopback that tunnels anywhere and answers 405 to the rest. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: Socket) => {
    tunnels.push(req.url ?? '');
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
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    tunnels,
    close: async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
