/**
 * A small HTTPS server for TLS checks: any certificate (the simulator's, one for another
 * host name, an expired one), counting handshakes and HTTP requests, so that a test can
 * prove a refused server never saw the request, and with it no credentials.
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { generate } from 'selfsigned';

export interface Certificate {
  key: string;
  cert: string;
  fingerprint: string;
}

/** A self-signed certificate for `names` (DNS names), valid from `from` to `to`. */
export async function makeCertificate(names: string[], from: Date, to: Date): Promise<Certificate> {
  const pems = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: from,
    notAfterDate: to,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  return {
    key: pems.private,
    cert: pems.cert,
    fingerprint: new X509Certificate(pems.cert).fingerprint256.toUpperCase(),
  };
}

export interface CountingServer {
  host: string;
  port: number;
  /** TLS handshakes completed. */
  handshakes(): number;
  /** HTTP requests received, with their headers. */
  requests: Array<{ method: string; url: string; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startCounting(
  cert: Certificate,
  answer: (res: import('node:http').ServerResponse) => void = (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"data":{"version":"8.4.0"}}');
  },
): Promise<CountingServer> {
  const requests: CountingServer['requests'] = [];
  const sockets = new Set<Socket>();
  let handshakes = 0;
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    req.resume();
    req.on('end', () => answer(res));
  });
  server.on('secureConnection', (s: Socket) => {
    handshakes++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Refused handshakes never become secure connections; their sockets still need closing.
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    handshakes: () => handshakes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
