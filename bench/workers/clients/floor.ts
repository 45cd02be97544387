/**
 * The floor: the least work a Node client can do for the same answer. An undici Pool to
 * the same origin with the SDK's connection count (or the target's `connections`), raw dispatch, the same headers, the body
 * collected and JSON.parse'd. No options, no retries, no error types. Token auth only: a
 * floor has no login logic to measure.
 */
import { type Dispatcher, Pool } from 'undici';
import type { ClientFactory } from '../bench-client.js';

/** The SDK's default (src/options/options.ts `connections`), so both keep as many sockets busy. */
const CONNECTIONS = 8;

export const makeFloorClient: ClientFactory = async (target, auth) => {
  if (auth !== 'token') throw new Error('the floor only does token auth');
  const origin = `https://${target.host}:${target.port}`;
  // The certificate is self-signed; the SDK pins it, which costs nothing per request on kept-alive sockets.
  const pool = new Pool(origin, {
    connections: target.connections ?? CONNECTIONS,
    connect: { rejectUnauthorized: false },
  });
  const headers = {
    accept: 'application/json',
    authorization: `PVEAPIToken=${target.user}!${target.tokenName}=${target.tokenValue}`,
  };
  return {
    get: (path) => getJson(pool, `/api2/json${path}`, headers),
    close: () => pool.close(),
  };
};

function getJson(pool: Dispatcher, path: string, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 0;
    pool.dispatch(
      { path, method: 'GET', headers },
      {
        // Present so undici 7 takes the controller-style handler (as the SDK does), not the legacy one.
        onRequestStart() {},
        onResponseStart(_c, statusCode) {
          status = statusCode;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          if (status !== 200) return reject(new Error(`GET ${path}: ${status}`));
          resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: unknown }).data);
        },
        onResponseError(_c, error) {
          reject(error);
        },
      },
    );
  });
}
