/**
 * Two HTTPS servers that are not the simulator, for the throughput rows (issue 19.3); a
 * JSON-lines child like bench/sim-server.ts. argv[2] is JSON: { model: 'neutral' | 'pveproxy',
 * guests?: number }.
 *
 * - `neutral`: one process, answers at once. The client is then the only limit, so the rows
 *   compare client cost alone (the simulator, with its routing and validation, is a ceiling).
 * - `pveproxy`: modelled on pve-manager PVE/Service/pveproxy.pm and pve-http-server
 *   PVE/APIServer/AnyEvent.pm. Three worker processes (`max_workers => 3`, MAX_WORKERS in
 *   /etc/default/pveproxy) share the listening socket. Each runs one event loop with many
 *   connections, but executes a local API handler synchronously, so within a worker calls
 *   run one at a time: here a per-worker queue that holds each call for its route's latency
 *   (a timer, not CPU, so the measured client keeps its core). A connection serves at most
 *   100 requests (`keep_alive => 100`), then the answer says `Connection: close`; a worker
 *   stops after 1000 requests (`max_requests => 1000`, end_loop: it accepts no more, the
 *   master starts a new one at once, and its open connections each get one more answer,
 *   with `Connection: close`, before it exits).
 *
 * Both serve a synthetic cluster of `guests` guests (default 1,000) on 3 nodes:
 * GET /version, /cluster/resources, /nodes/{node}/{qemu|lxc}/{vmid}/config and
 * .../status/current, with PVE token auth (`Authorization: PVEAPIToken=user!name=value`).
 */
import cluster from 'node:cluster';
import { randomUUID, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { Server as NetServer } from 'node:net';
import { serveJsonLines } from './lib/json-lines-serve.js';

export interface ModelServerOptions {
  model: 'neutral' | 'pveproxy';
  guests?: number;
}

/** pveproxy.pm: max_workers, keep_alive and max_requests. */
export const PVEPROXY = { workers: 3, keepAlive: 100, maxRequests: 1000 } as const;

/**
 * Milliseconds a pveproxy worker is busy per call. Modelled, not measured (there is no
 * real Proxmox here): a few ms for a config read from pmxcfs, a little more for a status
 * that asks QEMU over QMP, tens of ms to build /cluster/resources for 1,000 guests.
 */
export const LATENCY_MS: Record<string, number> = { version: 2, config: 3, status: 4, resources: 25 };

const USER = 'automation@pve';
const TOKEN = 'full';
const NODES = ['pve1', 'pve2', 'pve3'];

interface Guest {
  vmid: number;
  type: 'qemu' | 'lxc';
  node: string;
  name: string;
  running: boolean;
}

function cluster1k(count: number): Guest[] {
  return Array.from({ length: count }, (_, i) => ({
    vmid: 100 + i,
    type: i % 5 === 4 ? 'lxc' : 'qemu',
    node: NODES[i % NODES.length]!,
    name: `guest-${100 + i}`,
    running: i % 3 !== 0,
  }));
}

/** The figures /cluster/resources and status/current share (status, memory, disk, I/O). */
function usage(g: Guest) {
  return {
    status: g.running ? 'running' : 'stopped',
    uptime: g.running ? 86400 : 0,
    cpu: g.running ? 0.0123 : 0,
    maxmem: 2147483648,
    mem: g.running ? 1073741824 : 0,
    maxdisk: 34359738368,
    disk: 0,
    netin: 123456789,
    netout: 98765432,
    diskread: 456789012,
    diskwrite: 345678901,
  };
}

/** The answers, built once per process: each route's JSON body as bytes. */
function answers(guests: Guest[]): Map<string, { body: Buffer; kind: string }> {
  const out = new Map<string, { body: Buffer; kind: string }>();
  const put = (path: string, kind: string, data: unknown) =>
    out.set(`/api2/json${path}`, { body: Buffer.from(JSON.stringify({ data })), kind });
  put('/version', 'version', { version: '8.2.4', release: '8.2', repoid: 'faa83925c9641325' });
  const resources: unknown[] = guests.map((g) => ({
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    node: g.node,
    name: g.name,
    template: 0,
    maxcpu: 2,
    ...usage(g),
  }));
  for (const node of NODES)
    resources.push({ id: `node/${node}`, type: 'node', node, status: 'online', maxcpu: 32, cpu: 0.1 });
  put('/cluster/resources', 'resources', resources);
  for (const g of guests) {
    const base = `/nodes/${g.node}/${g.type}/${g.vmid}`;
    put(
      `${base}/config`,
      'config',
      g.type === 'qemu'
        ? {
            name: g.name,
            memory: 2048,
            cores: 2,
            sockets: 1,
            cpu: 'x86-64-v2-AES',
            ostype: 'l26',
            scsihw: 'virtio-scsi-single',
            scsi0: `local-lvm:vm-${g.vmid}-disk-0,iothread=1,size=32G`,
            ide2: 'local-lvm:cloudinit,media=cdrom',
            net0: `virtio=BC:24:11:${(g.vmid >> 8).toString(16).padStart(2, '0')}:${(g.vmid & 255).toString(16).padStart(2, '0')}:01,bridge=vmbr0,firewall=1`,
            boot: 'order=scsi0;net0',
            agent: '1',
            smbios1: 'uuid=6b1d6c2e-8f3a-4c0e-9a57-0c1c2d3e4f50',
            vmgenid: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9',
            digest: 'd3b07384d113edec49eaa6238ad5ff00c86a4b1a',
          }
        : {
            hostname: g.name,
            memory: 512,
            swap: 512,
            cores: 1,
            ostype: 'debian',
            arch: 'amd64',
            rootfs: `local-lvm:vm-${g.vmid}-disk-0,size=8G`,
            net0: `name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth`,
            unprivileged: 1,
            digest: 'c157a79031e1c40f85931829bc5fc552b0d8ec32',
          },
    );
    put(`${base}/status/current`, 'status', {
      vmid: g.vmid,
      name: g.name,
      ...(g.type === 'qemu' ? { qmpstatus: g.running ? 'running' : 'stopped', agent: 1 } : {}),
      cpus: 2,
      ...usage(g),
      ha: { managed: 0 },
    });
  }
  return out;
}

interface Shared {
  key: string;
  cert: string;
  token: string;
  guests: number;
}

/** One HTTPS server answering the routes; `delayed` queues the calls (a pveproxy worker). */
function serve(shared: Shared, pveproxy: boolean): Server {
  const routes = answers(cluster1k(shared.guests));
  const auth = `PVEAPIToken=${USER}!${TOKEN}=${shared.token}`;
  let queue: Promise<void> = Promise.resolve();
  let served = 0;
  let ending = false;
  const perSocket = new WeakMap<object, number>();
  const server = createServer({ key: shared.key, cert: shared.cert, keepAliveTimeout: 60_000 });
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const route = req.method === 'GET' ? routes.get(req.url ?? '') : undefined;
    if (pveproxy) {
      // keep_alive => 100 per connection; after max_requests the worker closes every connection.
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n >= PVEPROXY.keepAlive || ending) res.setHeader('connection', 'close');
    }
    if (req.headers.authorization !== auth) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"data":null}');
    } else if (route === undefined) {
      res.writeHead(501, { 'content-type': 'application/json' }).end('{"data":null}');
    } else {
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' }).end(route.body);
    }
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!pveproxy) return answer(req, res);
    const kind = routes.get(req.url ?? '')?.kind ?? 'version';
    queue = queue.then(
      () =>
        new Promise<void>((done) =>
          setTimeout(() => {
            answer(req, res);
            if (++served >= PVEPROXY.maxRequests && !ending) {
              ending = true;
              // end_loop (AnyEvent.pm wait_end_loop): accept nothing more and let the master
              // start a new worker at once (pveproxy forks and exits); open connections stay,
              // idle ones too, each closed after its next answer; exit when none is left.
              // The master answers 'close' once the new worker listens: the port never closes.
              process.send?.('ending');
            }
            done();
          }, LATENCY_MS[kind] ?? 2),
        ),
    );
  });
  process.on('message', (m) => {
    // net.Server's close, not http.Server's: since Node 19 the latter also drops idle
    // keep-alive connections, which pveproxy keeps (clients would race the close).
    if (m === 'close') NetServer.prototype.close.call(server, () => process.exit(0));
  });
  return server;
}

if (cluster.isWorker) {
  const shared = JSON.parse(process.env.MODEL_SERVER_SHARED ?? '{}') as Shared;
  const server = serve(shared, true);
  server.listen(Number(process.env.MODEL_SERVER_PORT), '127.0.0.1');
} else {
  const options = JSON.parse(process.argv[2] ?? '{}') as ModelServerOptions;
  const { selfSignedCertificate } = await import('../src/simulator/server/self-signed.js');
  const now = Date.now();
  const pem = selfSignedCertificate({
    commonName: 'pve-model',
    organization: 'proxmox-sdk bench',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 86_400_000 * 30),
  });
  const shared: Shared = { ...pem, token: randomUUID(), guests: options.guests ?? 1000 };
  let port: number;
  let stop: () => Promise<void>;
  let restarts = 0;
  if (options.model === 'neutral') {
    const server = serve(shared, false);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
    stop = () => new Promise((r) => server.close(() => r()));
  } else {
    // The master only listens; its workers answer (node:cluster hands each new connection to
    // one of them in turn). A free port first, so every worker binds the same one.
    const probe = createServer({ key: pem.key, cert: pem.cert });
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    let stopping = false;
    const env = { MODEL_SERVER_SHARED: JSON.stringify(shared), MODEL_SERVER_PORT: String(port) };
    const fork = () =>
      new Promise<void>((r) => {
        const worker = cluster.fork(env);
        worker.once('listening', () => r());
        worker.on('message', (m) => {
          if (m !== 'ending' || stopping) return;
          restarts++;
          void fork().then(() => worker.send('close'));
        });
      });
    await Promise.all(Array.from({ length: PVEPROXY.workers }, fork));
    stop = async () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill();
    };
  }
  serveJsonLines(
    {
      model: options.model,
      host: '127.0.0.1',
      port,
      fingerprint: new X509Certificate(pem.cert).fingerprint256,
      user: USER,
      password: '',
      tokenName: TOKEN,
      tokenValue: shared.token,
    },
    (message) => {
      if (message.cmd === 'restarts') return { restarts };
      throw new Error(`unknown command ${String(message.cmd)}`);
    },
    () => stop(),
  );
}
