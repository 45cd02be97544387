import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkChecksum,
  checksumCandidates,
  discoverChecksum,
  fileChecksum,
  findInSums,
} from '../../src/files/checksums.js';
import { uploadHost } from '../../src/files/files.js';
import { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { multipartBody, multipartLayout, orderedFields } from '../../src/transports/http/multipart.js';
import { type FakeRequest, type FakeServer, fakeOptions, raw, startFake } from '../fake-proxmox.js';

const UPID = 'UPID:pve1:00001234:00ABCDEF:6560F00D:imgcopy::root@pam!test:';
const dir = mkdtempSync(join(tmpdir(), 'pxfiles-'));
let n = 0;
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A file of `size` pseudo-random bytes, written in chunks. */
async function bigFile(name: string, size: number): Promise<string> {
  const path = join(dir, name);
  const fh = await open(path, 'w');
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
  for (let written = 0; written < size; written += block.length) {
    await fh.write(block, 0, Math.min(block.length, size - written));
  }
  await fh.close();
  return path;
}

/** A minimal multipart reader, written apart from the client's encoder. */
function parts(body: Buffer, contentType: string): Array<{ headers: string; data: Buffer }> {
  const boundary = /boundary=([^;]+)/.exec(contentType)![1]!;
  const out: Array<{ headers: string; data: Buffer }> = [];
  const delim = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(`--${boundary}`) + boundary.length + 4;
  for (;;) {
    const headEnd = body.indexOf('\r\n\r\n', pos);
    const end = body.indexOf(delim, headEnd);
    out.push({ headers: body.subarray(pos, headEnd).toString(), data: body.subarray(headEnd + 4, end) });
    pos = end + delim.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break;
    pos += 2;
  }
  return out;
}

function addTask(fake: FakeServer): void {
  fake.route('GET /nodes/{node}/tasks/{upid}/status', () => ({
    upid: UPID,
    status: 'stopped',
    exitstatus: 'OK',
  }));
  fake.route('GET /nodes/{node}/tasks/{upid}/log', () => ({
    envelope: { data: [{ n: 1, t: 'TASK OK' }], total: 1 },
  }));
}

describe('multipart layout', () => {
  it('puts content, checksum-algorithm, checksum before the file part and counts every byte', async () => {
    const path = join(dir, 'tiny.iso');
    writeFileSync(path, 'hello iso');
    const upload = { field: 'filename', fileName: 'tiny "x".iso', localPath: path, size: 9 };
    const layout = multipartLayout(
      { checksum: 'ab', extra: 1, content: 'iso', 'checksum-algorithm': 'sha256' },
      upload,
      'BOUNDARY',
    );
    const chunks: Buffer[] = [];
    for await (const c of multipartBody(layout, upload)) chunks.push(c);
    const body = Buffer.concat(chunks);
    expect(body.length).toBe(layout.length);
    const got = parts(body, layout.contentType);
    expect(got.map((p) => /name="([^"]+)"/.exec(p.headers)![1])).toEqual([
      'content',
      'checksum-algorithm',
      'checksum',
      'extra',
      'filename',
    ]);
    expect(got[4]!.headers).toContain('filename="tiny %22x%22.iso"');
    expect(got[4]!.data.toString()).toBe('hello iso');
    expect(orderedFields({ b: 1, content: 'iso', a: 2 }).map((p) => p[0])).toEqual(['content', 'b', 'a']);
  });

  it('any fields and file: Content-Length is the body, fields come first and intact (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,12}$/), fc.string({ maxLength: 40 }), { maxKeys: 5 }),
        fc.uint8Array({ maxLength: 70_000 }),
        fc.string({ minLength: 1, maxLength: 30 }).filter((n) => !/[\r\n"/]/.test(n)),
        async (fields, bytes, fileName) => {
          const path = join(dir, `prop-${n++}.bin`);
          writeFileSync(path, bytes);
          const upload = { field: 'filename', fileName, localPath: path, size: bytes.length };
          const layout = multipartLayout({ ...fields, content: 'iso' }, upload);
          const chunks: Buffer[] = [];
          for await (const c of multipartBody(layout, upload, { highWaterMark: 4096 })) chunks.push(c);
          const body = Buffer.concat(chunks);
          expect(body.length).toBe(layout.length);
          const got = parts(body, layout.contentType);
          expect(got.map((p) => /name="([^"]*)"/.exec(p.headers)![1])).toEqual([
            'content',
            ...Object.keys(fields).filter((k) => k !== 'content'),
            'filename',
          ]);
          expect(got.at(-1)!.data.equals(Buffer.from(bytes))).toBe(true);
          for (const [k, v] of Object.entries(fields)) {
            if (k !== 'content')
              expect(got.find((p) => p.headers.includes(`name="${k}"`))!.data.toString()).toBe(v);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads the file in chunks of the given size and fails if it changed', async () => {
    const path = await bigFile('chunks.bin', 1024 * 1024 + 5);
    const upload = { field: 'filename', fileName: 'c.bin', localPath: path, size: 1024 * 1024 + 5 };
    const layout = multipartLayout({}, upload);
    const sizes: number[] = [];
    for await (const c of multipartBody(layout, upload, { highWaterMark: 64 * 1024 })) sizes.push(c.length);
    expect(Math.max(...sizes.slice(1, -1))).toBeLessThanOrEqual(64 * 1024);
    expect(sizes.length).toBeGreaterThan(16);
    const wrong = { ...upload, size: 100 };
    const consume = async () => {
      for await (const _ of multipartBody(multipartLayout({}, wrong), wrong)) void _;
    };
    await expect(consume()).rejects.toThrow(/changed while uploading/);
  });
});

describe('uploads over HTTP', () => {
  let fake: FakeServer;
  let px: ProxmoxSDK;
  beforeEach(async () => {
    fake = await startFake({ streamRoutes: ['POST /nodes/{node}/storage/{storage}/upload'] });
    px = new ProxmoxSDK(fakeOptions(fake));
    addTask(fake);
  });
  afterEach(async () => {
    await px.close();
    await fake.close();
  });

  it('streams a large file with a Content-Length equal to the bytes sent, then waits for the task', async () => {
    const size = 24 * 1024 * 1024 + 123;
    const path = await bigFile('big.iso', size);
    const expected = await fileChecksum(path);
    let received = 0;
    let lengthHeader = '';
    let contentType = '';
    let progressWhilePaused = -1;
    const progress: number[] = [];
    const hash = createHash('sha256');
    let body: Buffer[] = [];
    fake.route('POST /nodes/{node}/storage/{storage}/upload', async (req: FakeRequest) => {
      lengthHeader = String(req.headers['content-length']);
      contentType = String(req.headers['content-type']);
      expect(req.headers['transfer-encoding']).toBeUndefined();
      let paused = false;
      for await (const chunk of req.raw) {
        received += (chunk as Buffer).length;
        if (body.length < 4) body.push(chunk as Buffer);
        else hash.update(chunk as Buffer);
        if (!paused && received > 1024 * 1024) {
          // Stop reading for a moment: a streaming client must stall far below the file size.
          paused = true;
          await new Promise((r) => setTimeout(r, 300));
          progressWhilePaused = progress.at(-1) ?? 0;
        }
      }
      body = [Buffer.concat(body)];
      return UPID;
    });
    const result = await px.files.upload({
      node: 'pve1',
      storage: 'local',
      content: 'iso',
      file: path,
      checksum: 'sha256',
      onProgress: (sent, total) => {
        expect(total).toBe(size);
        progress.push(sent);
      },
    });
    expect(result).toMatchObject({
      upid: UPID,
      volid: 'local:iso/big.iso',
      filename: 'big.iso',
      size,
      checksum: expected,
      task: { exitstatus: 'OK' },
    });
    expect(Number(lengthHeader)).toBe(received);
    expect(progress.at(-1)).toBe(size);
    expect(progressWhilePaused).toBeGreaterThan(0);
    expect(progressWhilePaused).toBeLessThan(size / 2);
    const head = parts(
      Buffer.concat([body[0]!, Buffer.from(`\r\n--${/boundary=(.+)/.exec(contentType)![1]}--`)]),
      contentType,
    );
    expect(head.slice(0, 3).map((p) => p.data.toString())).toEqual(['iso', 'sha256', expected.value]);
    expect(head[3]!.headers).toContain('name="filename"; filename="big.iso"');
    const upload = fake.requests.find((r) => r.method === 'POST')!;
    expect(upload.path).toBe('/nodes/pve1/storage/local/upload');
    expect(upload.headers.authorization).toMatch(/^PVEAPIToken=/);
  });

  it('an AbortSignal ends an upload mid-body: AbortError, and the server sees the body cut short', async () => {
    const size = 24 * 1024 * 1024;
    const path = await bigFile('aborted.iso', size);
    const controller = new AbortController();
    let received = 0;
    let serverSawEnd = false;
    fake.route('POST /nodes/{node}/storage/{storage}/upload', async (req: FakeRequest) => {
      try {
        for await (const chunk of req.raw) {
          received += (chunk as Buffer).length;
          if (received > 1024 * 1024) controller.abort(new Error('operator cancelled'));
        }
        serverSawEnd = true;
      } catch {
        // the client went away mid-body
      }
      return UPID;
    });
    const error = await px.files
      .upload({ node: 'pve1', storage: 'local', content: 'iso', file: path, signal: controller.signal })
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
    expect(error?.code).toBe('PROXMOX_ABORTED');
    expect(error?.message).toMatch(/aborted by the caller/);
    expect(serverSawEnd && received === size).toBe(false);
  });

  it('turns an error answer into ResourceException and keeps the token out of it', async () => {
    const path = join(dir, 'small.iso');
    writeFileSync(path, 'x'.repeat(1000));
    fake.route('POST /nodes/{node}/storage/{storage}/upload', async (req: FakeRequest) => {
      for await (const _ of req.raw) void _;
      return raw(500, '{"data":null,"message":"storage \'local\' does not support content \'iso\'"}', {});
    });
    const error = await px.files
      .upload({
        node: 'pve1',
        storage: 'local',
        content: 'iso',
        file: path,
        checksum: { algorithm: 'SHA256', value: 'A'.repeat(64) },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROXMOX_RESOURCE', statusCode: 500 });
    expect(JSON.stringify(error) + String(error)).not.toContain(fakeOptions(fake).tokenValue);
  });

  it('refuses bad input before sending', async () => {
    await expect(
      px.files.upload({ node: 'pve1', storage: 'local', content: 'iso', file: join(dir, 'missing.iso') }),
    ).rejects.toThrow(/cannot read/);
    const path = join(dir, 'ok.iso');
    writeFileSync(path, 'x');
    await expect(
      px.files.upload({
        node: 'pve1',
        storage: 'local',
        content: 'iso',
        file: path,
        checksum: { algorithm: 'sha256', value: 'abc' },
      }),
    ).rejects.toThrow(/64 hex digits/);
    await expect(
      px.files.upload({ node: 'pve1', storage: 'local', content: 'iso', file: path, filename: '../x.iso' }),
    ).rejects.toThrow(/plain file name/);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('picks the cluster host that matches the node', () => {
    const hosts = [
      { hostname: 'pve1.example.com', port: 8006, protocol: 'https' as const },
      { hostname: 'pve2.example.com', port: 8006, protocol: 'https' as const },
    ];
    expect(uploadHost(hosts, 'pve2')?.hostname).toBe('pve2.example.com');
    expect(uploadHost(hosts, 'pve3')).toBeUndefined();
  });
});

describe('checksums', () => {
  const sums = [
    '# comment',
    `${'a'.repeat(64)}  debian-12.iso`,
    `${'b'.repeat(64)} *other.iso`,
    `SHA256 (bsd.iso) = ${'c'.repeat(64)}`,
  ].join('\n');
  const table: Array<[string, string, string, string | undefined]> = [
    ['GNU line', sums, 'debian-12.iso', 'a'.repeat(64)],
    ['binary marker', sums, 'other.iso', 'b'.repeat(64)],
    ['BSD line', sums, 'bsd.iso', 'c'.repeat(64)],
    ['absent', sums, 'nope.iso', undefined],
    ['lone hash of a sibling', `${'D'.repeat(64)}\n`, 'x.iso', 'd'.repeat(64)],
    ['wrong length', `${'e'.repeat(40)}  x.iso`, 'x.iso', undefined],
    ['path in sums file', `${'f'.repeat(64)}  ./sub/x.iso`, 'x.iso', 'f'.repeat(64)],
  ];
  it.each(table)('%s', (_n, text, name, want) => {
    expect(findInSums(text, name, 'sha256')).toBe(want);
  });

  it('lists candidates next to the URL, without its query', () => {
    expect(checksumCandidates('https://m.example/pub/x.iso?mirror=1').map((c) => c.url)).toEqual([
      'https://m.example/pub/x.iso.sha256',
      'https://m.example/pub/x.iso.sha512',
      'https://m.example/pub/SHA256SUMS',
      'https://m.example/pub/SHA512SUMS',
      'https://m.example/pub/sha256sums.txt',
    ]);
  });

  it('checks given checksums', () => {
    expect(checkChecksum({ algorithm: 'SHA1', value: 'A'.repeat(40) })).toEqual({
      algorithm: 'sha1',
      value: 'a'.repeat(40),
    });
    expect(() => checkChecksum({ algorithm: 'crc32', value: 'ab' })).toThrow(/expected one of/);
  });

  describe('discovery over HTTP', () => {
    let server: Server;
    let base: string;
    const files: Record<string, string> = {};
    beforeAll(async () => {
      server = createServer((req, res) => {
        const body = files[req.url ?? ''];
        if (req.url === '/redirect/SHA256SUMS') {
          res.writeHead(302, { location: '/pub/SHA256SUMS' }).end();
          return;
        }
        if (body === undefined) res.writeHead(404).end('not found');
        else res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      files['/pub/SHA256SUMS'] = `${'1'.repeat(64)}  a.iso\n${'2'.repeat(64)}  b.iso\n`;
      files['/pub/b.iso.sha256'] = `${'3'.repeat(64)}  b.iso\n`;
      files['/redirect/c.iso.sha512'] = `${'4'.repeat(128)}\n`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('finds the SHA256SUMS line for the file', async () => {
      await expect(discoverChecksum(`${base}/pub/a.iso`, 'a.iso')).resolves.toEqual({
        algorithm: 'sha256',
        value: '1'.repeat(64),
        source: `${base}/pub/SHA256SUMS`,
      });
    });
    it('prefers the .sha256 sibling', async () => {
      await expect(discoverChecksum(`${base}/pub/b.iso`, 'b.iso')).resolves.toMatchObject({
        value: '3'.repeat(64),
      });
    });
    it('reads a .sha512 sibling and follows redirects', async () => {
      await expect(discoverChecksum(`${base}/redirect/c.iso`, 'c.iso')).resolves.toMatchObject({
        algorithm: 'sha512',
      });
      files['/pub/SHA256SUMS'] += `${'5'.repeat(64)}  r.iso\n`;
      await expect(discoverChecksum(`${base}/redirect/r.iso`, 'r.iso')).resolves.toMatchObject({
        value: '5'.repeat(64),
      });
    });
    it('answers undefined when nothing is published', async () => {
      await expect(discoverChecksum(`${base}/empty/z.iso`, 'z.iso')).resolves.toBeUndefined();
    });

    it('downloadUrl sends the discovered checksum to download-url', async () => {
      const fake = await startFake();
      const px = new ProxmoxSDK(fakeOptions(fake));
      try {
        addTask(fake);
        fake.route('GET /nodes/{node}/query-url-metadata', () => ({
          filename: 'a.iso',
          size: 1234,
          mimetype: 'application/x-iso9660-image',
        }));
        fake.route('POST /nodes/{node}/storage/{storage}/download-url', () => UPID);
        const result = await px.files.downloadUrl({
          node: 'pve1',
          storage: 'local',
          url: `${base}/pub/a.iso`,
          content: 'iso',
        });
        expect(result).toMatchObject({
          upid: UPID,
          volid: 'local:iso/a.iso',
          size: 1234,
          checksum: { algorithm: 'sha256', value: '1'.repeat(64) },
          checksumSource: `${base}/pub/SHA256SUMS`,
          task: { exitstatus: 'OK' },
        });
        const meta = fake.requests.find((r) => r.path.endsWith('query-url-metadata'))!;
        expect(meta.query.get('url')).toBe(`${base}/pub/a.iso`);
        const post = new URLSearchParams(fake.requests.find((r) => r.method === 'POST')!.body.toString());
        expect(Object.fromEntries(post)).toMatchObject({
          url: `${base}/pub/a.iso`,
          content: 'iso',
          filename: 'a.iso',
          'checksum-algorithm': 'sha256',
          checksum: '1'.repeat(64),
          'verify-certificates': '1',
        });
        const none = await px.files.downloadUrl({
          node: 'pve1',
          storage: 'local',
          url: `${base}/pub/a.iso`,
          content: 'iso',
          checksum: 'none',
          filename: 'renamed.iso',
          wait: false,
        });
        expect(none).toMatchObject({ filename: 'renamed.iso', checksum: undefined, task: undefined });
      } finally {
        await px.close();
        await fake.close();
      }
    });
  });
});

/** Every byte value, including sequences that are not UTF-8. */
const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff));

describe('streamed downloads', () => {
  let fake: FakeServer;
  let px: ProxmoxSDK;
  const size = 8 * 1024 * 1024;
  beforeEach(async () => {
    fake = await startFake();
    px = new ProxmoxSDK(fakeOptions(fake));
    fake.route('GET /nodes/{node}/storage/{storage}/file-restore/download', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      const block = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += block.length;
          if (!res.write(block)) return res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    fake.route('GET /nodes/{node}/storage/{storage}/file-restore/binary', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(BINARY);
    });
    fake.route('GET /nodes/{node}/storage/{storage}/file-restore/missing', () =>
      raw(404, '{"data":null,"message":"no such file"}', { 'content-type': 'application/json' }),
    );
  });
  afterEach(async () => {
    await px.close();
    await fake.close();
  });

  it('keeps binary bytes intact (the body is never decoded as text)', async () => {
    const target = join(dir, 'binary.bin');
    await px.files.downloadTo('/nodes/pve1/storage/local/file-restore/binary', undefined, target);
    expect(readFileSync(target).equals(BINARY)).toBe(true);
    const { stream, size } = await px.files.download(
      'GET /nodes/{node}/storage/{storage}/file-restore/download',
      {
        node: 'pve1',
        storage: 'local',
      },
    );
    expect(size).toBe(8 * 1024 * 1024);
    stream.destroy();
  });

  it('an AbortSignal ends a download the reader is still consuming: the stream fails with AbortError', async () => {
    const controller = new AbortController();
    const { stream } = await px.files.download(
      'GET /nodes/{node}/storage/{storage}/file-restore/download',
      { node: 'pve1', storage: 'local' },
      { signal: controller.signal },
    );
    let read = 0;
    const error = await (async () => {
      try {
        for await (const chunk of stream) {
          read += (chunk as Buffer).length;
          if (read >= 1024 * 1024) controller.abort();
        }
      } catch (e) {
        return e as Error & { code?: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('PROXMOX_ABORTED');
    expect(read).toBeLessThan(size);
  });

  it('px.files.downloadTo writes the file and reports progress; errors are typed', async () => {
    const target = join(dir, 'restored.bin');
    let last = 0;
    const bytes = await px.files.downloadTo(
      'GET /nodes/{node}/storage/{storage}/file-restore/download',
      { node: 'pve1', storage: 'local' },
      target,
      { onProgress: (n) => (last = n) },
    );
    expect(bytes).toBe(size);
    expect(readFileSync(target).length).toBe(size);
    expect(last).toBe(size);
    await expect(px.files.download('/nodes/pve1/storage/local/file-restore/missing')).rejects.toMatchObject({
      code: 'PROXMOX_RESOURCE',
      statusCode: 404,
    });
  });
});

describe('uploads to the HTTPS simulator', () => {
  let sim: RunningSimulator;
  let px: ProxmoxSDK;
  beforeAll(async () => {
    sim = await startSimulator({ service: 'PVE' });
    px = new ProxmoxSDK({
      host: `${sim.host}:${sim.port}`,
      fingerprint: sim.fingerprint,
      user: 'root@pam',
      password: 'proxmox',
    });
  });
  afterAll(async () => {
    await px?.close();
    await sim?.close();
  });

  it('uploads with a computed checksum; the volume appears on the storage', async () => {
    const path = await bigFile('sim-upload.iso', 3 * 1024 * 1024 + 17);
    const result = await px.files.upload({
      node: 'pve1',
      storage: 'local',
      content: 'iso',
      file: path,
      checksum: 'sha256',
    });
    expect(result).toMatchObject({ volid: 'local:iso/sim-upload.iso', task: { exitstatus: 'OK' } });
    const content: Array<{ volid: string; size?: number }> = await px
      .nodes('pve1')
      .storage('local')
      .content.get();
    expect(content.map((c) => c.volid)).toContain('local:iso/sim-upload.iso');
  });

  it('a wrong checksum fails the copy task: TaskFailedError with the node words and the log', async () => {
    const path = join(dir, 'sim-bad.iso');
    writeFileSync(path, 'not what the checksum says');
    const error = await px.files
      .upload({
        node: 'pve1',
        storage: 'local',
        content: 'iso',
        file: path,
        checksum: { algorithm: 'sha256', value: '0'.repeat(64) },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PROXMOX_TASK_FAILED',
      exitStatus: expect.stringMatching(/checksum mismatch/),
    });
    expect((error as { log: string[] }).log.at(-1)).toMatch(/^TASK ERROR: checksum mismatch/);
  });
});
