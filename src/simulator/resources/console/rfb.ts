/**
 * The VNC server behind a simulated vncproxy (QEMU's VNC through `qm vncproxy`, which sets
 * the one-time password of the vncproxy answer): RFB 003.008 version exchange (3.3 and 3.7
 * clients are served too), security type 2 "VNC Authentication" with a DES challenge,
 * ServerInit with a 640x480 true-colour framebuffer named after the guest, and a solid
 * screen in raw encoding for each full (non-incremental) update request. Keys, pointer
 * and clipboard messages are read and dropped.
 */
import { createCipheriv, randomBytes, timingSafeEqual } from 'node:crypto';

export const FB_WIDTH = 640;
export const FB_HEIGHT = 480;
const SECURITY_VNC_AUTH = 2;

/**
 * VNC Authentication: the challenge encrypted with DES, keyed by the password (8 bytes,
 * zero-padded) with every byte's bits mirrored (RFC 6143 errata). Single DES is triple DES
 * with three equal keys, which OpenSSL 3 still offers without its legacy provider.
 */
export function vncAuthResponse(password: string, challenge: Buffer): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let b = key[i]!;
    let r = 0;
    for (let bit = 0; bit < 8; bit++) r |= ((b >> bit) & 1) << (7 - bit);
    b = r;
    key[i] = b;
  }
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

type State = 'version' | 'security' | 'auth' | 'init' | 'normal' | 'closed';

/** Client message lengths by type, for those of fixed size (RFC 6143 7.5). */
const FIXED = new Map([
  [0, 20],
  [3, 10],
  [4, 8],
  [5, 6],
]);

export class RfbServer {
  #state: State = 'version';
  #buffer: Buffer = Buffer.alloc(0);
  #minor = 8;
  readonly #challenge = randomBytes(16);

  constructor(
    private readonly password: string,
    private readonly name: string,
    private readonly send: (data: Buffer) => void,
    private readonly close: () => void,
  ) {
    send(Buffer.from('RFB 003.008\n', 'latin1'));
  }

  data(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#state !== 'closed' && this.#step()) {}
  }

  #take(n: number): Buffer | undefined {
    if (this.#buffer.length < n) return undefined;
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  #fail(reason: string): false {
    if (this.#minor >= 8) {
      const text = Buffer.from(reason, 'latin1');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(text.length);
      this.send(Buffer.concat([u32(1), len, text]));
    } else {
      this.send(u32(1));
    }
    this.#state = 'closed';
    this.close();
    return false;
  }

  /** One protocol step; false when it needs more bytes. */
  #step(): boolean {
    switch (this.#state) {
      case 'version': {
        const v = this.#take(12);
        if (!v) return false;
        const match = /^RFB 003\.00(\d)\n$/.exec(v.toString('latin1'));
        if (!match) {
          this.#state = 'closed';
          this.close();
          return false;
        }
        this.#minor = Math.min(8, Number(match[1]));
        if (this.#minor < 7) {
          // 3.3: the server picks the type, and the challenge follows at once.
          this.send(Buffer.concat([u32(SECURITY_VNC_AUTH), this.#challenge]));
          this.#state = 'auth';
        } else {
          this.send(Buffer.from([1, SECURITY_VNC_AUTH]));
          this.#state = 'security';
        }
        return true;
      }
      case 'security': {
        const t = this.#take(1);
        if (!t) return false;
        if (t[0] !== SECURITY_VNC_AUTH) return this.#fail('Unsupported security type');
        this.send(this.#challenge);
        this.#state = 'auth';
        return true;
      }
      case 'auth': {
        const r = this.#take(16);
        if (!r) return false;
        const expected = vncAuthResponse(this.password, this.#challenge);
        if (!timingSafeEqual(r, expected)) return this.#fail('Authentication failed');
        this.send(u32(0));
        this.#state = 'init';
        return true;
      }
      case 'init': {
        if (!this.#take(1)) return false;
        this.send(serverInit(this.name));
        this.#state = 'normal';
        return true;
      }
      case 'normal':
        return this.#message();
      default:
        return false;
    }
  }

  #message(): boolean {
    const type = this.#buffer[0];
    if (type === undefined) return false;
    let length = FIXED.get(type);
    if (type === 2) {
      if (this.#buffer.length < 4) return false;
      length = 4 + 4 * this.#buffer.readUInt16BE(2);
    } else if (type === 6) {
      if (this.#buffer.length < 8) return false;
      length = 8 + this.#buffer.readUInt32BE(4);
    }
    if (length === undefined) {
      this.#state = 'closed';
      this.close();
      return false;
    }
    const msg = this.#take(length);
    if (!msg) return false;
    if (type === 3 && msg[1] === 0) this.send(fullUpdate(msg));
    return true;
  }
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function serverInit(name: string): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt16BE(FB_WIDTH, 0);
  head.writeUInt16BE(FB_HEIGHT, 2);
  // Pixel format: 32 bpp, depth 24, little-endian, true colour, 8 bits per channel (RGB at 16/8/0).
  Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]).copy(head, 4);
  const text = Buffer.from(name, 'utf8');
  head.writeUInt32BE(text.length, 20);
  return Buffer.concat([head, text]);
}

/** FramebufferUpdate with one raw rectangle over the requested area, clipped to the screen. */
function fullUpdate(request: Buffer): Buffer {
  const x = Math.min(request.readUInt16BE(2), FB_WIDTH);
  const y = Math.min(request.readUInt16BE(4), FB_HEIGHT);
  const w = Math.min(request.readUInt16BE(6), FB_WIDTH - x);
  const h = Math.min(request.readUInt16BE(8), FB_HEIGHT - y);
  const head = Buffer.alloc(16);
  head.writeUInt8(0, 0);
  head.writeUInt16BE(1, 2);
  head.writeUInt16BE(x, 4);
  head.writeUInt16BE(y, 6);
  head.writeUInt16BE(w, 8);
  head.writeUInt16BE(h, 10);
  head.writeInt32BE(0, 12);
  // A dark blue screen: 0x00RRGGBB little-endian per pixel.
  const pixels = Buffer.alloc(w * h * 4);
  for (let i = 0; i < pixels.length; i += 4) pixels[i] = 0x60;
  return Buffer.concat([head, pixels]);
}
