/**
 * The escape sequence that leaves an interactive console: the escape key (Ctrl-] by
 * default, as telnet and `virsh console` use it; rarely bound by programs, unlike Ctrl-O of
 * `qm terminal`, which nano needs) followed by `q` or `.`. The escape key twice sends it once;
 * followed by anything else, both keys go through. Only a terminal's input is read this way:
 * piped input goes through untouched.
 */
import { UsageError } from '../args.js';

/** The byte of `--escape`: `^]`, `^A` .. `^_` (a control key), one character, or `none`. */
export function parseEscapeKey(text: string | undefined): number | undefined {
  if (text === undefined) return 0x1d;
  if (text === 'none') return undefined;
  if (/^\^[@-_a-z]$/.test(text)) return text.toUpperCase().charCodeAt(1) & 0x1f;
  if (text.length === 1 && text.charCodeAt(0) < 0x80) return text.charCodeAt(0);
  throw new UsageError(
    `--escape: expected a control key like ^] or ^A, one character, or none; got '${text}'`,
  );
}

/** How the escape key reads in help text: `Ctrl-]`. */
export function describeEscapeKey(key: number): string {
  return key < 0x20 ? `Ctrl-${String.fromCharCode(key + 0x40)}` : `'${String.fromCharCode(key)}'`;
}

const LEAVE = new Set(['q'.charCodeAt(0), '.'.charCodeAt(0)]);

/** Splits typed input into what goes to the console and whether the user asked to leave. */
export class EscapeParser {
  readonly #key: number | undefined;
  #pending = false;

  constructor(key: number | undefined) {
    this.#key = key;
  }

  /** `forward`: bytes for the console; `leave`: the escape sequence was typed (the rest is dropped). */
  feed(chunk: Buffer): { forward: Buffer; leave: boolean } {
    if (this.#key === undefined) return { forward: chunk, leave: false };
    const out: number[] = [];
    for (const byte of chunk) {
      if (this.#pending) {
        this.#pending = false;
        if (LEAVE.has(byte)) return { forward: Buffer.from(out), leave: true };
        // The key twice is the key itself; anything else: the key was meant literally.
        if (byte !== this.#key) out.push(this.#key);
        out.push(byte);
      } else if (byte === this.#key) this.#pending = true;
      else out.push(byte);
    }
    return { forward: Buffer.from(out), leave: false };
  }
}
