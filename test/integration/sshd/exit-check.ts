/**
 * Child process for the "nothing leaks" tests: makes one call on the given backend,
 * closes the transport, and then must exit by itself (no timers, sockets or children
 * left holding the event loop). Prints the call's status.
 * Usage: node --import tsx exit-check.ts '<options JSON>'
 */
import { resolveOptions } from '../../../src/options/resolve.js';
import { createTransport } from '../../../src/transports/create.js';

const options = JSON.parse(process.argv[2]!);
const t = await createTransport(resolveOptions(options));
const res = await t.request({ method: 'GET', path: '/version', params: {}, headers: {} });
await t.close();
console.log(`status ${res.status}`);
