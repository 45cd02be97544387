/**
 * Run by test/fuzz/http1-hostile.test.ts as its own process: failing requests against the
 * raw peer at argv[2], one after another on one pool, then a good one that leaves an idle
 * keep-alive socket. The pool is never closed: the process must exit by itself, which it
 * cannot while a socket, listener or timer of a failed request still holds the event loop.
 */
import { call, pool } from './http1-raw-peer.js';

const origin = process.argv[2]!;
const p = pool(origin, 1);
for (const path of ['/silent', '/reset', '/bad', '/slow']) {
  const signal = path === '/slow' ? AbortSignal.timeout(200) : undefined;
  try {
    await call(p, path, { timeoutMs: 300, signal });
    console.log(`${path} answered`);
  } catch (error) {
    console.log(`${path} ${(error as { code?: string }).code}`);
  }
}
console.log(`/ok ${(await call(p, '/ok')).status}`);
console.log('done');
