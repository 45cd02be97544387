/**
 * `proxmox vnc <vmid> [--listen 127.0.0.1:5900]`: a local TCP port for any VNC viewer.
 * Each accepted connection opens its own vncproxy + vncwebsocket (a ticket serves one
 * connection) and prints that connection's one-time VNC password, which the viewer asks
 * for. Runs until Ctrl-C, or until the first connection ends with --once.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { flag, UsageError } from '../args.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { withSession } from '../guest/session.js';
import { findGuest, type GuestTarget } from '../guest/target.js';
import { type ConsoleApi, consoleApi } from '../terminal/console-api.js';
import { ownCommandLine } from './command-line.js';

/** `host:port`, `[v6]:port` or a bare port (on 127.0.0.1): where to listen. */
export function parseListen(text: string | undefined): { host: string; port: number } {
  if (text === undefined) return { host: '127.0.0.1', port: 5900 };
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || port > 65535) {
    throw new UsageError(`--listen: expected HOST:PORT (e.g. 127.0.0.1:5900) or a port, got '${text}'`);
  }
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

function listen(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new UsageError(
          `--listen ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is taken' : error.message}`,
        ),
      ),
    );
    server.listen(port, host, () => {
      const address = server.address() as { address: string; port: number };
      resolve({ host: address.address, port: address.port });
    });
  });
}

/** One viewer: its own vncproxy, piped both ways until either side ends. */
async function forward(
  api: ConsoleApi,
  guest: GuestTarget,
  socket: Socket,
  signal: AbortSignal,
): Promise<void> {
  socket.pause();
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  let display: Awaited<ReturnType<ConsoleApi['vnc']>>;
  try {
    display = await api.vnc(guest, { signal });
  } catch (error) {
    socket.destroy();
    process.stderr.write(
      `connection from ${peer}: ${(error as Error).message} (exit code ${exitCodeFor(error)})\n`,
    );
    return;
  }
  process.stdout.write(
    display.password === undefined
      ? `connection from ${peer}: connected (no VNC password)\n`
      : `connection from ${peer}: VNC password ${display.password}\n`,
  );
  await new Promise<void>((resolve) => {
    const end = () => {
      socket.destroy();
      display.destroy();
      resolve();
    };
    socket.once('close', end);
    display.once('close', end);
    socket.on('error', end);
    display.on('error', end);
    socket.pipe(display);
    display.pipe(socket);
    socket.resume();
  });
  process.stdout.write(`connection from ${peer}: closed\n`);
}

export async function run(argv: string[], name = 'vnc', globals: readonly string[] = []): Promise<number> {
  const parsed = ownCommandLine(name, argv, globals);
  if (parsed === undefined) return EXIT.OK;
  const o = parsed.options;
  const [ref, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const where = parseListen(typeof o.listen === 'string' ? o.listen : undefined);
  const once = flag(o, 'once');
  return withSession(o, async (session) => {
    const guest = await findGuest(session, ref);
    if (typeof o.node === 'string' && o.node !== guest.node)
      throw new UsageError(`guest ${guest.vmid} is on node '${guest.node}', not '${o.node}'`);
    const api = consoleApi(session.px);
    const sockets = new Set<Socket>();
    let finished!: () => void;
    const stopped = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const server = createServer((socket) => {
      sockets.add(socket);
      void forward(api, guest, socket, session.signal).finally(() => {
        sockets.delete(socket);
        if (once) finished();
      });
      if (once) server.close();
    });
    const at = await listen(server, where.host, where.port);
    const shown = at.host.includes(':') ? `[${at.host}]` : at.host;
    process.stdout.write(
      `Listening on ${shown}:${at.port} for the display of ${guest.type === 'qemu' ? 'VM' : 'container'} ${guest.vmid} (${guest.name}).\n` +
        `Connect a VNC viewer to ${shown}:${at.port} (vncviewer ${shown}::${at.port}); each connection prints its password here.\n`,
    );
    session.signal.addEventListener('abort', finished, { once: true });
    await stopped;
    server.close();
    for (const socket of sockets) socket.destroy();
    return EXIT.OK;
  });
}
