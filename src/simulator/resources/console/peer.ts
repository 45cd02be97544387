/**
 * pveproxy's side of an upgraded console connection (pve-http-server
 * src/PVE/APIServer/AnyEvent.pm, websocket_proxy), on the `ws` package's server. What
 * clients must live with is kept: the subprotocol the client asked for is echoed; frames
 * over 128 KiB end the connection ($max_payload_size); no compression is offered (pveproxy
 * drops frames with RSV bits); output goes out as binary messages of at most 128 KiB (the
 * proxy handle's read size); and when the proxy behind ends, the TCP connection is dropped
 * without a close frame of pveproxy's own.
 */
import type { WebSocket } from 'ws';

export const MAX_PAYLOAD = 128 * 1024;

/** One upgraded connection: client messages to `onData`, `send` as binary messages. */
export class ConsolePeer {
  #closed = false;

  constructor(
    private readonly ws: WebSocket,
    onData: (data: Buffer) => void,
    private readonly onEnd: () => void,
  ) {
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => onData(data));
    ws.on('close', () => this.#finish());
    ws.on('error', () => this.#finish());
  }

  send(data: Buffer): void {
    if (this.#closed) return;
    for (let at = 0; at < data.length; at += MAX_PAYLOAD) this.ws.send(data.subarray(at, at + MAX_PAYLOAD));
  }

  /** The proxy behind ended: pveproxy drops the connection, no close frame. */
  close(): void {
    if (this.#closed) return;
    // What was queued reaches the client before the drop, as pveproxy's write queue does.
    const drop = (): void => {
      if (this.ws.bufferedAmount === 0) this.ws.terminate();
      else setTimeout(drop, 5).unref();
    };
    drop();
    this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onEnd();
  }
}
