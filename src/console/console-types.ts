/**
 * The public shapes of consoles, apart from their implementations: nothing here names the
 * optional `ws` package, so the published types of an https-only install never reach it.
 */
import type { Duplex } from 'node:stream';
import type { HttpMethod, Params } from '../core/types.js';
import type { ResolvedOptions } from '../options/resolve.js';

/** A terminal: bytes in and out, with the pty's size. */
export interface TerminalStream extends Duplex {
  /** UPID of the termproxy worker task. */
  readonly upid: string;
  /** Sets the size of the terminal in character cells (`1:COLS:ROWS:`); ignored unless both are whole numbers >= 1. */
  resize(cols: number, rows: number): void;
}

/** A guest's display: raw RFB in both directions. */
export interface VncStream extends Duplex {
  /** The one-time VNC password of this connection (vncproxy's `password`). */
  readonly password: string | undefined;
  /** UPID of the vncproxy worker task. */
  readonly upid: string;
}

/** What termproxy and vncproxy answer. */
export interface ProxyTicket {
  /** `user@realm` or `user@realm!token`: whom the ticket was made for. */
  user: string;
  /** The PVEVNC ticket (vncproxy's carries the VNC password in front). */
  ticket: string;
  port: number | string;
  /** The proxy's worker task. */
  upid: string;
  /** vncproxy only: the one-time VNC password. */
  password?: string;
}

/** What the console streams need from the client. */
export interface ConsoleContext {
  readonly options: ResolvedOptions;
  call(method: HttpMethod, path: string, params: Params, signal?: AbortSignal): Promise<unknown>;
  /** Credentials for one GET (ticket cookie or token header); none for a client without auth. */
  headers(signal?: AbortSignal): Promise<Readonly<Record<string, string>>>;
}
