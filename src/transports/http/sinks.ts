/**
 * What the HTTPS transport does with an answer's body (see src/transports/http/dispatch.ts):
 * collect it whole and parse it (API answers), or hand it over unread (downloads).
 *
 * A collected body is bounded by `maxResponseBytes`: a server that announces or sends more
 * ends the request with a ResponseTooLargeError as soon as it is known (the Content-Length,
 * or the chunk that crosses the limit), so memory stays bounded whatever the server does.
 * Without it, a body of a few hundred MB outgrew the longest string V8 can make and the
 * call never settled; 2 GiB aborted the process (issue 15). A compressed answer is held
 * compressed and the limit applies again to its decoded size (content-decoding.ts).
 */
import { Readable } from 'node:stream';
import { AbortError, ProxmoxError, ResponseTooLargeError } from '../../core/errors.js';
import type { TransportResponse } from '../transport.js';
import { decodeContent, encodingOf } from './content-decoding.js';
import type { AnswerSink, ResponseHead } from './dispatch.js';
import { parseBody } from './http-request.js';

/** Keeps the body, up to `limit` bytes, and parses it at the end. */
export class CollectSink implements AnswerSink {
  readonly #where: string;
  readonly #limit: number;
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #head: ResponseHead | undefined;

  constructor(where: string, limit: number) {
    this.#where = where;
    this.#limit = limit;
  }

  head(head: ResponseHead): undefined {
    this.#head = head;
    const announced = Number(head.headers['content-length']);
    if (Number.isFinite(announced) && announced > this.#limit) throw this.#tooLarge(announced);
    return undefined;
  }

  data(chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#limit) {
      this.#chunks.length = 0;
      throw this.#tooLarge();
    }
    this.#chunks.push(chunk);
  }

  end(): TransportResponse {
    const head = this.#head!;
    // A small answer arrives in one piece: read it where it is, without a copy.
    const chunks = this.#chunks;
    const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#bytes);
    chunks.length = 0;
    const coding = head.headers['content-encoding'];
    // Without a Content-Encoding the body is as sent (decodeContent would answer it as it is).
    const decoded =
      coding === undefined ? raw : decodeContent(raw, coding, this.#limit, this.#where, this.#method);
    if (!Buffer.isBuffer(decoded)) throw decoded.error ?? this.#tooLarge(undefined, 'decoded ');
    const text = decoded.toString('utf8');
    const type = head.headers['content-type'];
    // The answer's fields by name: a spread of the head copied them through a slower path, per answer.
    return {
      status: head.status,
      statusText: head.statusText,
      headers: head.headers,
      body: parseBody(text, typeof type === 'string' ? type : undefined),
    };
  }

  #tooLarge(announced?: number, what = ''): ResponseTooLargeError {
    const size = announced === undefined ? `more than ${this.#limit}` : String(announced);
    return new ResponseTooLargeError(
      `${this.#where}: the ${what}answer is larger than maxResponseBytes (${size} bytes, the limit is ${this.#limit})`,
      { limitBytes: this.#limit, method: this.#method },
    );
  }

  get #method(): string {
    return this.#where.split(' ')[0]!;
  }
}

/**
 * Settles at the head with the body as a Readable, with backpressure (undici pauses the
 * socket while the reader is slow). Error answers (status >= 400) are small JSON: they are
 * collected (bounded like any answer) so that the pipeline decodes them into the usual errors.
 */
export class StreamSink implements AnswerSink {
  readonly #where: string;
  readonly #limit: number;
  #errorBody: CollectSink | undefined;
  #stream: Readable | undefined;

  constructor(where: string, limit: number) {
    this.#where = where;
    this.#limit = limit;
  }

  head(head: ResponseHead, flow: Parameters<AnswerSink['head']>[1]): TransportResponse | undefined {
    if (head.status >= 400) {
      this.#errorBody = new CollectSink(this.#where, this.#limit);
      return this.#errorBody.head(head);
    }
    const coding = encodingOf(head.headers['content-encoding']);
    if (coding !== undefined) {
      // Written as it came, a compressed download would be a corrupt file: refuse it clearly.
      throw new ProxmoxError(
        `${this.#where}: the download is ${coding}-encoded, which the SDK did not ask for and does not decode in a stream`,
        { method: this.#where.split(' ')[0]! },
      );
    }
    this.#stream = new Readable({
      read: () => flow.resume(),
      destroy: (error, callback) => {
        flow.cancel(error ?? new AbortError(`${this.#where}: download closed by the reader`));
        callback(error);
      },
    });
    return { ...head, body: undefined, stream: this.#stream };
  }

  data(chunk: Buffer, flow: Parameters<AnswerSink['data']>[1]): void {
    if (this.#errorBody) this.#errorBody.data(chunk);
    else if (this.#stream && !this.#stream.push(chunk)) flow.pause();
  }

  end(): TransportResponse | undefined {
    if (this.#errorBody) return this.#errorBody.end();
    this.#stream?.push(null);
    return undefined;
  }

  failed(error: Error): void {
    if (this.#stream && !this.#stream.destroyed) this.#stream.destroy(error);
  }
}
