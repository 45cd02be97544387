/**
 * One client process of bench/cpu-per-call.ts: `concurrency` callers loop GET /version on the
 * neutral server for `seconds` after `warmup` seconds, then print this process's CPU per call
 * (process.cpuUsage, user + system) and req/s as one JSON line. argv[2] is JSON:
 * { kind: 'sdk' | 'client' | 'floor', packageDir, clientBundle, target, concurrency, connections,
 * seconds, warmup }. `client` is the SDK's own HTTP/1.1 pool (src/transports/http/http1-pool.ts,
 * bundled by bench/cpu-per-call.ts) driven as raw as the floor drives undici: the transport's
 * cost alone, without the SDK's layers above it.
 * Plain .mjs run by node, so no loader (tsx) adds cost to either side.
 */
import { pathToFileURL } from 'node:url';

const o = JSON.parse(process.argv[2]);
const { target } = o;
let call;
let close;
if (o.kind === 'sdk') {
  const { ProxmoxSDK } = await import(pathToFileURL(`${o.packageDir}/dist/index.js`).href);
  const px = new ProxmoxSDK({
    host: target.host,
    port: target.port,
    fingerprint: target.fingerprint,
    connections: o.connections,
    user: target.user,
    tokenName: target.tokenName,
    tokenValue: target.tokenValue,
  });
  call = () => px.version.get();
  close = () => px.close();
} else if (o.kind === 'client') {
  const { Http1Pool, socketConnector } = await import(pathToFileURL(o.clientBundle).href);
  const pool = new Http1Pool(`https://${target.host}:${target.port}`, {
    connections: o.connections,
    connect: socketConnector({ timeout: 10_000, tls: { rejectUnauthorized: false } }),
    idleTimeout: 30_000,
  });
  const headers = {
    accept: 'application/json',
    authorization: `PVEAPIToken=${target.user}!${target.tokenName}=${target.tokenValue}`,
  };
  call = () =>
    new Promise((resolve, reject) => {
      const chunks = [];
      let status = 0;
      pool.dispatch(
        { path: '/api2/json/version', method: 'GET', headers, body: null },
        {
          onHead(code) {
            status = code;
          },
          onBody(chunk) {
            chunks.push(chunk);
          },
          onComplete() {
            if (status !== 200) return reject(new Error(`status ${status}`));
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')).data);
          },
          onError: reject,
        },
      );
    });
  close = () => pool.close();
} else {
  // The floor of bench/workers/clients/floor.ts: a raw undici Pool, body collected and parsed.
  const { Pool } = await import('undici');
  const pool = new Pool(`https://${target.host}:${target.port}`, {
    connections: o.connections,
    connect: { rejectUnauthorized: false },
  });
  const headers = {
    accept: 'application/json',
    authorization: `PVEAPIToken=${target.user}!${target.tokenName}=${target.tokenValue}`,
  };
  call = () =>
    new Promise((resolve, reject) => {
      const chunks = [];
      let status = 0;
      pool.dispatch(
        { path: '/api2/json/version', method: 'GET', headers },
        {
          onRequestStart() {},
          onResponseStart(_c, code) {
            status = code;
          },
          onResponseData(_c, chunk) {
            chunks.push(chunk);
          },
          onResponseEnd() {
            if (status !== 200) return reject(new Error(`status ${status}`));
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')).data);
          },
          onResponseError(_c, error) {
            reject(error);
          },
        },
      );
    });
  close = () => pool.close();
}

let measuring = false;
let calls = 0;
let stop = false;
async function caller() {
  while (!stop) {
    await call();
    if (measuring) calls++;
  }
}
const callers = Array.from({ length: o.concurrency }, caller);
await new Promise((r) => setTimeout(r, o.warmup * 1000));
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
measuring = true;
await new Promise((r) => setTimeout(r, o.seconds * 1000));
measuring = false;
const cpu = process.cpuUsage(cpu0);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
stop = true;
await Promise.all(callers);
await close();
process.stdout.write(
  `${JSON.stringify({ kind: o.kind, calls, cpuUsPerCall: (cpu.user + cpu.system) / calls, reqPerSec: calls / seconds })}\n`,
);
