/**
 * A VNC display as a Node Duplex of raw RFB bytes (RFC 6143): the server speaks first
 * (`RFB 003.008\n`) and authenticates with `password` (security type 2, VNC
 * Authentication). Pipe it to a local socket to let any VNC viewer in, or speak RFB yourself.
 */
import type { WebSocket } from 'ws';
import { MAX_MESSAGE } from './console-socket.js';
import type { VncStream } from './console-types.js';
import { WebSocketDuplex } from './websocket-duplex.js';

const asIs = (piece: Buffer) => piece;

export class VncWire extends WebSocketDuplex implements VncStream {
  readonly password: string | undefined;
  readonly upid: string;

  constructor(ws: WebSocket, password: string | undefined, upid: string) {
    super(ws, 'VNC');
    this.password = password;
    this.upid = upid;
    ws.on('message', (data: Buffer) => this.deliver(data));
    ws.on('close', () => this.push(null));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sendPieces(chunk, MAX_MESSAGE, asIs, callback);
  }
}
