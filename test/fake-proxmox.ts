/**
 * A tiny plain-HTTP stand-in for a Proxmox host, for tests of tasks, files and config that
 * need a real socket but only a few routes. Routes are `'GET /nodes/{node}/...'` handlers
 * returning `data`, or `{ status, body }` for raw answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The raw request body (collected unless the handler takes the stream). */
  body: Buffer;
  raw: IncomingMessage;
}

export interface RawAnswer {
  raw: true;
  status: number;
  statusText?: string;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export type FakeHandler = (req: FakeRequest, res: ServerResponse) => unknown | Promise<unknown>;

export interface FakeServer {
  url: string;
  port: number;
  requests: FakeRequest[];
  route(route: string, handler: FakeHandler): void;
  close(): Promise<void>;
  server: Server;
}

export function raw(status: number, body: string | Buffer, headers: Record<string, string> = {}): RawAnswer {
  return { raw: true, status, body, headers };
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith('{') && w.endsWith('}')) params[w.slice(1, -1)] = decodeURIComponent(g);
    else if (w !== g) return undefined;
  }
  return params;
}

/** Starts the fake on 127.0.0.1, port 0. `streamRoutes` get the request unread. */
export async function startFake(
  options: { prefix?: string; streamRoutes?: string[] } = {},
): Promise<FakeServer> {
  const routes: Array<[string, string, FakeHandler]> = [];
  const requests: FakeRequest[] = [];
  const prefix = options.prefix ?? '/api2/json';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const method = req.method ?? 'GET';
    let found: [FakeHandler, Record<string, string>, string] | undefined;
    for (const [m, pattern, handler] of routes) {
      const params = m === method ? match(pattern, path) : undefined;
      if (params) {
        found = [handler, params, pattern];
        break;
      }
    }
    const streaming = found !== undefined && (options.streamRoutes ?? []).includes(`${method} ${found[2]}`);
    const chunks: Buffer[] = [];
    if (!streaming) for await (const chunk of req) chunks.push(chunk as Buffer);
    const fr: FakeRequest = {
      method,
      path,
      query: url.searchParams,
      params: found?.[1] ?? {},
      headers: req.headers,
      body: Buffer.concat(chunks),
      raw: req,
    };
    requests.push(fr);
    if (!found) {
      res.writeHead(501, `Method '${method} ${path}' not implemented`);
      res.end(JSON.stringify({ data: null }));
      return;
    }
    try {
      const out = await found[0](fr, res);
      if (res.headersSent || res.writableEnded) return;
      if (out && typeof out === 'object' && (out as RawAnswer).raw === true) {
        const r = out as RawAnswer;
        res.writeHead(r.status, r.statusText ?? '', r.headers ?? {});
        res.end(r.body);
        return;
      }
      const envelope =
        out && typeof out === 'object' && 'envelope' in (out as object)
          ? (out as { envelope: unknown }).envelope
          : { data: out ?? null };
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(envelope));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(500, message.split('\n')[0]);
      res.end(JSON.stringify({ data: null, message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    server,
    route(route, handler) {
      const [m, p] = route.split(' ') as [string, string];
      routes.unshift([m, p, handler]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Client options for a fake: plain HTTP, token auth with a recognisable secret. */
export const TOKEN_SECRET = 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab';
export function fakeOptions(fake: FakeServer): {
  host: string;
  allowInsecureHttp: true;
  user: string;
  tokenName: string;
  tokenValue: string;
  retries: number;
} {
  return {
    host: fake.url,
    allowInsecureHttp: true,
    user: 'root@pam',
    tokenName: 'test',
    tokenValue: TOKEN_SECRET,
    retries: 0,
  };
}
