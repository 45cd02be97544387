/**
 * A terminal (qemu serial, container console, node shell) as a Node Duplex: write the bytes
 * the user types, read what the terminal shows, `resize(cols, rows)` for the pty.
 * termproxy's protocol (pve-xtermjs termproxy/src/main.rs): the first line sent is
 * `AUTHID:TICKET\n` and the proxy answers `OK`; after that input goes as `0:LEN:DATA` (LEN
 * in bytes), a resize as `1:COLS:ROWS:`, a keepalive as `2`; output arrives as raw bytes.
 * termproxy ends a refused login by closing, without a word; pveproxy ends every console by
 * dropping the connection, without a close frame, so that is the normal end here.
 */
import type { WebSocket } from 'ws';
import { AuthenticationError, ConnectionError } from '../core/errors.js';
import { MAX_MESSAGE } from './console-socket.js';
import type { TerminalStream } from './console-types.js';
import { WebSocketDuplex } from './websocket-duplex.js';

/** The PVE web UI's xterm.js client sends `2` every 30 s (pve-xtermjs xterm.js/src/main.js); NATs and reverse proxies drop idle connections. */
export const KEEPALIVE_MS = 30_000;
/** Room for the `0:LEN:` header inside one 128 KiB websocket message. */
const MAX_DATA = MAX_MESSAGE - 16;

export interface TerminalWireOptions {
  /** Whom the ticket is for, as termproxy's answer says (`user`). */
  user: string;
  ticket: string;
  /** The client authenticates with an API token (for the error text when the proxy refuses). */
  token: boolean;
  upid: string;
  keepaliveMs?: number;
}

/** The older servers' refusal of tokens, found in the sources (see docs/consoles.md). */
const TOKEN_HINT =
  ' API tokens open consoles only on servers that verify console tickets through /access/vncticket' +
  ' (pve-manager 9.0.13 for node shells, qemu-server 9.1.7 and pve-container 6.1.3 for guests);' +
  ' older termproxy versions accept only tickets of users: log in with a password there.';

export class TerminalWire extends WebSocketDuplex implements TerminalStream {
  readonly upid: string;
  #ready = false;
  #head: Buffer = Buffer.alloc(0);
  readonly #keepalive: NodeJS.Timeout;
  readonly #opened: Promise<void>;
  #settle!: { resolve: () => void; reject: (e: Error) => void };

  constructor(ws: WebSocket, options: TerminalWireOptions) {
    super(ws, 'console');
    this.upid = options.upid;
    this.#opened = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.#opened.catch(() => {});
    ws.on('message', (data: Buffer) => this.#message(data));
    ws.on('close', () => {
      clearInterval(this.#keepalive);
      if (this.#ready) {
        this.push(null);
        return;
      }
      // The ticket and the secret stay out of the message: only whom it was for.
      this.failed(
        new AuthenticationError(
          `termproxy refused the console ticket for ${options.user}.${options.token ? TOKEN_HINT : ''}`,
        ),
      );
    });
    this.#keepalive = setInterval(() => this.send('2'), options.keepaliveMs ?? KEEPALIVE_MS);
    this.#keepalive.unref();
    ws.send(`${options.user}:${options.ticket}\n`);
  }

  #message(data: Buffer): void {
    if (this.#ready) {
      this.deliver(data);
      return;
    }
    this.#head = Buffer.concat([this.#head, data]);
    if (this.#head.length < 2) return;
    if (this.#head.subarray(0, 2).toString('latin1') !== 'OK') {
      this.failed(new ConnectionError('termproxy answered the console ticket with something other than OK'));
      return;
    }
    this.#ready = true;
    const rest = this.#head.subarray(2);
    this.#head = Buffer.alloc(0);
    this.#settle.resolve();
    if (rest.length > 0) this.deliver(rest);
  }

  protected override failed(error: Error): void {
    this.#settle.reject(error);
    super.failed(error);
  }

  /** Resolves once termproxy accepted the ticket; rejects with AuthenticationError if it did not. */
  ready(): Promise<void> {
    return this.#opened;
  }

  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) return;
    void this.#opened.then(() => this.send(`1:${cols}:${rows}:`));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const frame = (piece: Buffer) => Buffer.concat([Buffer.from(`0:${piece.length}:`, 'latin1'), piece]);
    this.#opened.then(
      () => this.sendPieces(chunk, MAX_DATA, frame, callback),
      (error: Error) => callback(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearInterval(this.#keepalive);
    super._destroy(error, callback);
  }
}
