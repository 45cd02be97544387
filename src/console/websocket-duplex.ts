/**
 * A websocket as a Node Duplex, the part terminals and VNC share: messages out in pieces
 * pveproxy accepts (at most 128 KiB each), the write callback held until `ws` has handed
 * them to the socket (so that pipe() applies backpressure), reading paused while the reader
 * lags (the socket stops being read, so a flood of output waits in the kernel and on the
 * server, not in this process), and ending or destroying the stream ends the connection.
 */
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { ConnectionError } from '../core/errors.js';

export abstract class WebSocketDuplex extends Duplex {
  protected readonly ws: WebSocket;

  constructor(ws: WebSocket, what: string) {
    super({ allowHalfOpen: false });
    this.ws = ws;
    ws.on('error', (error) =>
      this.failed(new ConnectionError(`${what} connection failed: ${error.message}`, { cause: error })),
    );
  }

  /** The connection broke; subclasses may settle their own promises first. */
  protected failed(error: Error): void {
    this.destroy(error);
  }

  protected send(data: string | Buffer, callback?: (error?: Error) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      callback?.(new ConnectionError('the console connection is closed'));
      return;
    }
    this.ws.send(data, callback);
  }

  /** Sends `chunk` in messages of at most `size` bytes each, `frame` wrapping each piece. */
  protected sendPieces(
    chunk: Buffer,
    size: number,
    frame: (piece: Buffer) => Buffer,
    callback: (error?: Error | null) => void,
  ): void {
    if (chunk.length === 0) {
      callback();
      return;
    }
    let left = Math.ceil(chunk.length / size);
    let done = false;
    for (let at = 0; at < chunk.length; at += size)
      this.send(frame(chunk.subarray(at, at + size)), (error) => {
        if (done) return;
        if (error) {
          done = true;
          callback(error);
        } else if (--left === 0) {
          done = true;
          callback();
        }
      });
  }

  /** Hands received bytes to the reader; stops reading the socket while the reader lags. */
  protected deliver(data: Buffer): void {
    if (!this.push(data) && !this.ws.isPaused) this.ws.pause();
  }

  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ws.close();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.terminate();
    callback(error);
  }
}
