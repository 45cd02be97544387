/**
 * What goes on the wire for a request (src/transports/http/http-request.ts toWire), shared by
 * the HTTPS transport and the mock: a read's headers are built once per credentials object
 * (an authenticator hands out the same frozen object until its credentials change), a read
 * without parameters has no query, and bad parameters are still refused.
 */
import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '../../../src/core/errors.js';
import { toWire } from '../../../src/transports/http/http-request.js';
import type { TransportRequest } from '../../../src/transports/transport.js';

const settings = { pathPrefix: '', bodyEncoding: 'form', booleans: 'int' } as const;
const token = Object.freeze({ authorization: 'PVEAPIToken=root@pam!t=secret' });
const req = (over: Partial<TransportRequest>): TransportRequest => ({
  method: 'GET',
  path: '/version',
  params: {},
  headers: token,
  ...over,
});

describe('toWire', () => {
  it('sends a read with accept and the credentials, the same object while they stay the same', () => {
    const a = toWire(req({}), settings);
    const b = toWire(req({ path: '/nodes', method: 'DELETE' }), settings);
    expect(a.headers).toEqual({ accept: 'application/json', authorization: token.authorization });
    expect(b.headers).toBe(a.headers);
    expect(Object.isFrozen(a.headers)).toBe(true);
    // New credentials (a renewed ticket is a new object): new headers.
    const renewed = Object.freeze({ cookie: 'PVEAuthCookie=new' });
    expect(toWire(req({ headers: renewed }), settings).headers).toEqual({
      accept: 'application/json',
      cookie: 'PVEAuthCookie=new',
    });
  });

  it('builds a query only when there are parameters', () => {
    expect(toWire(req({}), settings).url).toBe('/api2/json/version');
    expect(toWire(req({ params: { type: 'vm', skip: undefined } }), settings).url).toBe(
      '/api2/json/version?type=vm',
    );
    expect(toWire(req({ path: '/', params: { a: [1, 2] } }), settings).url).toBe('/api2/json?a=1&a=2');
  });

  it('gives a write its own headers with the content type, never the shared read headers', () => {
    const read = toWire(req({}), settings).headers;
    const write = toWire(req({ method: 'POST', params: { a: 1 } }), settings);
    expect(write.headers).not.toBe(read);
    expect(write.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(write.body).toBe('a=1');
    expect(read['content-type']).toBeUndefined();
  });

  it('still refuses parameters that are not an object', () => {
    for (const params of [5, 'x', [1]] as unknown as TransportRequest['params'][]) {
      let caught: unknown;
      try {
        toWire(req({ params }), settings);
      } catch (error) {
        caught = error;
      }
      expect(isInvalidArgumentError(caught)).toBe(true);
    }
  });
});
