/**
 * Files: uploads to storage, downloads from a URL into storage, and streamed downloads of
 * file-content endpoints.
 *
 * Uploads are never proxied between cluster nodes (pveproxy refuses to forward a
 * multipart body): the request must reach the node that owns the storage. With the https
 * backend that means the client's `host` must be that node. When `host` lists several
 * nodes, the upload goes to the one whose name matches `node` (`pve2` or `pve2.example.com`),
 * when the transport can tell (see `uploadHost`). With the ssh backends the file is copied
 * to the host first. Downloads from a URL run on the node itself, so any node may be asked.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expandRoute } from '../client/path.js';
import type { Pipeline } from '../client/pipeline.js';
import { encodeSegment } from '../core/encode.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { Params } from '../core/types.js';
import type { CallOptions, WaitOptions } from '../options/call-options.js';
import { TaskHelper, type TaskResult } from '../tasks/tasks.js';
import type { UploadPart } from '../transports/transport.js';
import {
  CHECKSUM_ALGORITHMS,
  type Checksum,
  type ChecksumAlgorithm,
  checkChecksum,
  discoverChecksum,
  fileChecksum,
} from './checksums.js';

export { uploadHost } from '../transports/http/upload-body.js';
export type { Checksum, ChecksumAlgorithm } from './checksums.js';

/** Storage content types that take uploads and URL downloads. */
export type UploadContent = 'iso' | 'vztmpl' | 'import';

export interface UploadOptions {
  /** The node that owns the storage; the request must reach that node (see the module notes). */
  node: string;
  storage: string;
  content: UploadContent;
  /** Local path of the file; it is streamed, never read whole into memory. */
  file: string;
  /** Name on the storage. @default the local file's name */
  filename?: string;
  /** A known checksum, or an algorithm name to compute one from the file before sending. */
  checksum?: { algorithm: ChecksumAlgorithm | string; value: string } | ChecksumAlgorithm;
  /** Called as bytes go out. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** Wait for the task that moves the file into place. @default true */
  wait?: boolean | WaitOptions;
  signal?: AbortSignal;
  /** Milliseconds without progress before the upload fails. @default the client's timeout */
  timeout?: number;
}

export interface FileResult {
  /** The task that copies (or downloads) the file into place. */
  upid: string;
  /** Volume id, e.g. `local:iso/debian.iso`. */
  volid: string;
  filename: string;
  /** Bytes, when known. */
  size: number | undefined;
  /** The checksum the server verified, if one was sent. */
  checksum: Checksum | undefined;
  /** Where a discovered checksum came from. */
  checksumSource?: string;
  /** The task's final status, when waited for. */
  task: TaskResult | undefined;
}

export interface DownloadUrlOptions {
  node: string;
  storage: string;
  url: string;
  content: UploadContent;
  /** Name on the storage. @default the name the server reports for the URL, else the URL's last segment */
  filename?: string;
  /**
   * A known checksum; `'discover'` looks for a `SHA256SUMS`-style file or a `.sha256` sibling
   * next to the URL (fetched by this client) and proceeds without one if none is found;
   * `'none'` sends none. @default 'discover'
   */
  checksum?: { algorithm: ChecksumAlgorithm | string; value: string } | 'discover' | 'none';
  /** Whether the node checks the URL's TLS certificate. @default true */
  verifyCertificates?: boolean;
  /** @default true */
  wait?: boolean | WaitOptions;
  signal?: AbortSignal;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Milliseconds without data before the download fails. */
  timeout?: number;
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

export interface Download {
  /** The body, unread. */
  stream: Readable;
  /** Content-Length, when the server sent one. */
  size: number | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

function volid(storage: string, content: UploadContent, filename: string): string {
  return `${storage}:${content}/${filename}`;
}

function checkName(filename: string): string {
  if (filename === '' || filename.includes('/') || filename === '.' || filename === '..') {
    throw new InvalidArgumentError(`filename '${filename}': expected a plain file name`);
  }
  return filename;
}

function callOptions(o: { signal?: AbortSignal | undefined; timeout?: number | undefined }): CallOptions {
  return {
    ...(o.signal === undefined ? {} : { signal: o.signal }),
    ...(o.timeout === undefined ? {} : { timeout: o.timeout }),
  };
}

export class FileHelper {
  readonly #client: Pipeline;
  readonly #tasks: TaskHelper;

  constructor(client: Pipeline, tasks?: TaskHelper) {
    this.#client = client;
    this.#tasks = tasks ?? new TaskHelper(client);
  }

  /** Uploads a local file to storage (`POST /nodes/{node}/storage/{storage}/upload`) and waits for it. */
  async upload(o: UploadOptions): Promise<FileResult> {
    const info = await stat(o.file).catch((error: NodeJS.ErrnoException) => {
      throw new InvalidArgumentError(`upload: cannot read ${o.file} (${error.code ?? error.message})`);
    });
    if (!info.isFile()) throw new InvalidArgumentError(`upload: ${o.file} is not a regular file`);
    const filename = checkName(o.filename ?? basename(o.file));
    let checksum: Checksum | undefined;
    if (typeof o.checksum === 'string') {
      if (!CHECKSUM_ALGORITHMS.includes(o.checksum)) {
        throw new InvalidArgumentError(
          `checksum '${o.checksum}': expected one of ${CHECKSUM_ALGORITHMS.join(', ')}`,
        );
      }
      checksum = await fileChecksum(o.file, o.checksum);
    } else if (o.checksum !== undefined) checksum = checkChecksum(o.checksum);

    const params: Params = {
      content: o.content,
      ...(checksum ? { 'checksum-algorithm': checksum.algorithm, checksum: checksum.value } : {}),
    };
    // `node` lets a transport that knows several cluster hosts send the body to the right one.
    const upload: UploadPart & { node: string } = {
      field: 'filename',
      fileName: filename,
      localPath: o.file,
      size: info.size,
      node: o.node,
      ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
    };
    const path = `/nodes/${encodeSegment(o.node)}/storage/${encodeSegment(o.storage)}/upload`;
    const call = callOptions(o);
    const request = { method: 'POST', path, params, options: call, upload } as const;
    const upid = this.#client.decode(await this.#client.send(request), request) as string;
    return {
      upid,
      volid: volid(o.storage, o.content, filename),
      filename,
      size: info.size,
      checksum,
      task: await this.#wait(upid, o.wait, o.signal),
    };
  }

  /**
   * Has the node download a URL into storage (`POST .../download-url`), after asking it for
   * the file's name and size (`GET /nodes/{node}/query-url-metadata`).
   */
  async downloadUrl(o: DownloadUrlOptions): Promise<FileResult> {
    const node = encodeSegment(o.node);
    const verify = o.verifyCertificates ?? true;
    const call = callOptions(o);
    const meta = (await this.#client.call({
      method: 'GET',
      path: `/nodes/${node}/query-url-metadata`,
      params: { url: o.url, 'verify-certificates': verify },
      options: call,
    })) as { filename?: string; size?: number | string; mimetype?: string } | null;
    const urlName = decodeURIComponent(new URL(o.url).pathname.split('/').pop() ?? '');
    const filename = checkName(o.filename ?? (meta?.filename || urlName));
    let checksum: Checksum | undefined;
    let source: string | undefined;
    const wanted = o.checksum ?? 'discover';
    if (wanted === 'discover') {
      const found = await discoverChecksum(o.url, urlName || filename, o.signal ? { signal: o.signal } : {});
      if (found) {
        checksum = { algorithm: found.algorithm, value: found.value };
        source = found.source;
      }
    } else if (wanted !== 'none') checksum = checkChecksum(wanted);

    const path = `/nodes/${node}/storage/${encodeSegment(o.storage)}/download-url`;
    const upid = (await this.#client.call({
      method: 'POST',
      path,
      params: {
        url: o.url,
        content: o.content,
        filename,
        'verify-certificates': verify,
        ...(checksum ? { 'checksum-algorithm': checksum.algorithm, checksum: checksum.value } : {}),
      },
      options: call,
    })) as string;
    const size = meta?.size === undefined ? undefined : Number(meta.size);
    return {
      upid,
      volid: volid(o.storage, o.content, filename),
      filename,
      size: Number.isFinite(size) ? size : undefined,
      checksum,
      ...(source === undefined ? {} : { checksumSource: source }),
      task: await this.#wait(upid, o.wait, o.signal),
    };
  }

  /**
   * Streams the body of a file-content endpoint, e.g.
   * `px.files.download('GET /nodes/{node}/storage/{storage}/file-restore/download', {...})`.
   * A path without a method means GET. Error answers throw the usual errors.
   */
  async download(route: string, params?: Params, o: DownloadOptions = {}): Promise<Download> {
    const { method, path, rest } = expandRoute(/^[A-Z]+\s/.test(route) ? route : `GET ${route}`, params);
    const call = callOptions(o);
    const request = { method, path, params: rest, options: call, responseType: 'stream' } as const;
    const res = await this.#client.send(request);
    if (res.status >= 300 || res.stream === undefined) {
      // Error answers (and backends that cannot stream) come back read.
      if (res.status >= 300) this.#client.decode(res, request);
      const body = res.body;
      const data =
        typeof body === 'object' && body !== null && 'data' in body ? (body as { data: unknown }).data : body;
      const bytes = Buffer.from(typeof data === 'string' ? data : JSON.stringify(data ?? null));
      return { stream: Readable.from([bytes]), size: bytes.length, headers: res.headers };
    }
    const length = Number(res.headers['content-length']);
    const size = Number.isFinite(length) ? length : undefined;
    let received = 0;
    const stream = o.onProgress
      ? res.stream.pipe(
          new Transform({
            transform(chunk: Buffer, _enc, done) {
              received += chunk.length;
              o.onProgress!(received, size);
              done(null, chunk);
            },
          }),
        )
      : res.stream;
    return { stream, size, headers: res.headers };
  }

  /** Streams a download into a local file (written beside it, then renamed into place). */
  async downloadTo(
    route: string,
    params: Params | undefined,
    file: string,
    o: DownloadOptions = {},
  ): Promise<number> {
    const { stream } = await this.download(route, params, o);
    const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.part`);
    let bytes = 0;
    try {
      await pipeline(
        stream,
        new Transform({
          transform(chunk: Buffer, _e, done) {
            bytes += chunk.length;
            done(null, chunk);
          },
        }),
        createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
        o.signal ? { signal: o.signal } : {},
      );
      await rename(temp, file);
      return bytes;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async #wait(upid: string, wait: boolean | WaitOptions | undefined, signal: AbortSignal | undefined) {
    if (wait === false) return undefined;
    const options: WaitOptions = wait === undefined || wait === true ? {} : wait;
    return this.#tasks.wait(upid, signal && options.signal === undefined ? { ...options, signal } : options);
  }
}
