/** The HTTPS face of the engine: node:https in, `engine.handle()`, bytes out. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServiceName } from '../../core/services.js';
import { SimulatorEngine } from '../engine/engine.js';
import type { EngineOptions, SimResponse, SimToken } from '../engine/types.js';
import { ConsoleUpgrades } from '../resources/console/upgrade.js';
import { compressAnswer } from './compression.js';
import { serverTlsOptions, simulatorCertificate } from './tls.js';

export interface SimulatorOptions extends EngineOptions {
  /** Address to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 (default) picks a free port; the CLI passes 8006. */
  port?: number;
  /** Serve an existing engine instead of making one from the options. */
  engine?: SimulatorEngine;
  /**
   * Mutual TLS, as a reverse proxy in front of Proxmox may demand it: PEM of the CA(s)
   * whose client certificates are accepted. Handshakes without one, or with another, fail.
   */
  clientCa?: string | Buffer | ReadonlyArray<string | Buffer>;
  /**
   * Compress answers for clients that accept it, as pveproxy (gzip or deflate, over 1 KiB)
   * and proxmox-backup-proxy (deflate) do by default. `false` is pveproxy's COMPRESSION=0.
   */
  compression?: boolean;
}

export interface SimulatorUser {
  userid: string;
  password: string;
  totpSecret?: string;
  tokens: SimToken[];
}

export interface RunningSimulator {
  /** `https://127.0.0.1:PORT`, without the `/api2/json` base. */
  url: string;
  host: string;
  port: number;
  service: ServiceName;
  /** SHA-256 of the certificate, `AA:BB:...`, as Proxmox shows it. */
  fingerprint: string;
  /** PEM of the self-signed certificate; usable as a CA file. */
  ca: string;
  users: SimulatorUser[];
  engine: SimulatorEngine;
  close(): Promise<void>;
}

/** Uploads may be large; everything else is capped by the engine at 512 KiB. */
const MAX_READ_BYTES = 1024 ** 3;

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_READ_BYTES) {
        req.destroy();
        reject(new Error('body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 0 ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function writeSlowly(res: ServerResponse, body: Buffer, delayMs: number): Promise<void> {
  const step = Math.max(1, Math.ceil(body.length / 8));
  for (let at = 0; at < body.length; at += step) {
    if (res.destroyed) return;
    res.write(body.subarray(at, at + step));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  res.end();
}

async function respond(
  engine: SimulatorEngine,
  compression: boolean,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // pveproxy refuses chunked bodies without reading them; the engine answers 501 from the header.
  const chunked = (req.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked');
  const body = chunked ? undefined : await readBody(req);
  const simRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
  const answer: SimResponse = await engine.handle(body === undefined ? simRequest : { ...simRequest, body });
  if (answer.reset) {
    req.socket.destroy();
    return;
  }
  const raw = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
  const accept = compression ? req.headers['accept-encoding'] : undefined;
  const { body: payload, encoding } = compressAnswer(engine.service, accept, raw);
  const headers: Record<string, string | number> = { ...answer.headers, 'content-length': payload.length };
  if (encoding) headers['content-encoding'] = encoding;
  if (answer.closeConnection || chunked) headers.connection = 'close';
  res.writeHead(answer.status, answer.statusText, headers);
  if (answer.slowBodyDelayMs && payload.length > 0) await writeSlowly(res, payload, answer.slowBodyDelayMs);
  else res.end(payload);
}

function formatUrl(host: string, port: number): string {
  return host.includes(':') ? `https://[${host}]:${port}` : `https://${host}:${port}`;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  // Refusals are slow by default, as on a real server (see EngineOptions.authFailureDelayMs).
  const engine = options.engine ?? new SimulatorEngine({ authFailureDelayMs: 3000, ...options });
  const certificate = await simulatorCertificate();
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer(serverTlsOptions(certificate, options.clientCa), (req, res) => {
    respond(engine, options.compression !== false, req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, 'Internal Server Error', { connection: 'close' });
        res.end();
      } else {
        res.destroy();
      }
    });
  });
  // Terminals and VNC: pveproxy upgrades GETs on .../vncwebsocket to websockets.
  const consoles = new ConsoleUpgrades(engine);
  server.on('upgrade', (req, socket, head) => {
    consoles.handle(req, socket, head).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const users = engine.accounts.map((a) => {
    const user: SimulatorUser = { userid: a.userid, password: a.password, tokens: a.tokens };
    if (a.totpSecret) user.totpSecret = a.totpSecret;
    return user;
  });
  return {
    url: formatUrl(host, port),
    host,
    port,
    service: engine.service,
    fingerprint: certificate.fingerprint,
    ca: certificate.cert,
    users,
    engine,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await consoles.close();
      await closed;
    },
  };
}
