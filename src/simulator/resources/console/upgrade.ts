/**
 * The HTTPS server's `upgrade` event, as pveproxy handles a GET on a path ending in
 * `websocket` (pve-http-server AnyEvent.pm, handle_api2_request): the request runs through
 * the engine first (auth, permissions, parameters, the handler's ticket check); only a 200
 * is upgraded, anything else is answered as the plain HTTP error it is. The upgraded
 * connection is then bridged to the proxy that vncproxy or termproxy left waiting on the port.
 *
 * The websocket protocol itself is the `ws` package's (an optional peer dependency, loaded
 * on the first upgrade), never hand-written.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { SimulatorEngine } from '../../engine/engine.js';
import { ConsolePeer, MAX_PAYLOAD } from './peer.js';
import { RfbServer } from './rfb.js';
import { type ConsoleSession, claimSession, endSession } from './sessions.js';
import { TerminalProxy } from './terminal.js';

function writeError(socket: Duplex, status: number, reason: string, body: string | Buffer = ''): void {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: ${payload.length}\r\n\r\n`,
      ),
      payload,
    ]),
  );
}

/** handle_api2_request's checks before websocket_proxy, in its order and words. */
function upgradeRefusal(req: IncomingMessage): string | undefined {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade !== 'websocket') return `unable to upgrade to protocol '${upgrade}'`;
  const version = String(req.headers['sec-websocket-version'] ?? '');
  if (version !== '13') return `unsupported websocket-version '${version}'`;
  if (!req.headers['sec-websocket-key']) return 'missing websocket-key';
  return undefined;
}

/** The console upgrades of one HTTPS server. */
export class ConsoleUpgrades {
  #server: Promise<WebSocketServer | undefined> | undefined;

  constructor(private readonly engine: SimulatorEngine) {}

  #wss(): Promise<WebSocketServer | undefined> {
    this.#server ??= import('ws').then(
      ({ WebSocketServer }) =>
        new WebSocketServer({
          noServer: true,
          perMessageDeflate: false,
          maxPayload: MAX_PAYLOAD,
          // pveproxy echoes the subprotocol the client asked for.
          handleProtocols: (protocols) => protocols.values().next().value ?? false,
        }),
      () => undefined,
    );
    return this.#server;
  }

  async handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const engine = this.engine;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const answer = await engine.handle({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
    });
    if (req.method !== 'GET' || !/websocket$/.test(path) || answer.status !== 200)
      return writeError(socket, answer.status, answer.statusText, answer.body);
    const refusal = upgradeRefusal(req);
    if (refusal !== undefined) return writeError(socket, 500, refusal);
    const wss = await this.#wss();
    if (wss === undefined)
      return writeError(
        socket,
        501,
        'the simulator needs the optional package ws for consoles: npm install ws',
      );
    const port = Number((JSON.parse(String(answer.body)) as { data: { port: string } }).data.port);
    const session = claimSession(engine, port);
    // Nothing listens on the port any more (used, or timed out): pveproxy's tcp_connect fails.
    if (session === undefined) return writeError(socket, 500, `connect to 'localhost:${port}' failed`);
    wss.handleUpgrade(req, socket, head, (ws) => this.#bridge(session, ws));
  }

  #bridge(session: ConsoleSession, ws: WebSocket): void {
    const engine = this.engine;
    if (session.kind === 'term') {
      let proxy: TerminalProxy | undefined;
      const peer = new ConsolePeer(
        ws,
        (data) => proxy?.data(data),
        () => proxy?.ended(),
      );
      proxy = new TerminalProxy(engine, session, peer);
      return;
    }
    const target = session.target;
    const guest = target.type === 'node' ? undefined : target.guest;
    let rfb: RfbServer | undefined;
    const peer = new ConsolePeer(
      ws,
      (data) => rfb?.data(data),
      () => endSession(engine, session),
    );
    // qm vncproxy cannot reach the VNC socket of a stopped VM: the connection just ends.
    if (guest === undefined || guest.status !== 'running') {
      peer.close();
      return;
    }
    rfb = new RfbServer(
      session.password ?? '',
      engine.cluster.guestName(guest),
      (data) => peer.send(data),
      () => peer.close(),
    );
  }

  /** Ends every console connection (the simulator is closing). */
  async close(): Promise<void> {
    const wss = await this.#server;
    for (const client of wss?.clients ?? []) client.terminate();
    wss?.close();
  }
}
