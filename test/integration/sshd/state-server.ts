/**
 * Keeps the simulated hosts' state between stand-in tool runs: each `pvesh` run is a new
 * process, so it forwards its call here (one JSON line over a unix socket) and this server
 * answers from one SimulatorEngine per service, as the real tools answer from the host.
 */
import { chmod, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { ServiceName } from '../../../src/core/services.js';
import { SimulatorEngine } from '../../../src/simulator/index.js';

export interface StandInCall {
  service: ServiceName;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  params: Record<string, string | string[]>;
}

export interface UploadSeen {
  tmpfilename: string;
  /** Permission bits of the staged file as the tool found it. */
  mode: number;
  uid: number;
  size: number;
  content: string;
}

export interface StateServer {
  socketPath: string;
  engine(service: ServiceName): SimulatorEngine;
  /** Every call the stand-ins forwarded, in order. */
  calls: StandInCall[];
  uploads: UploadSeen[];
  close(): Promise<void>;
}

const UPLOAD = /^\/nodes\/([^/]+)\/storage\/([^/]+)\/upload$/;

/**
 * A storage upload as pvesh runs it: the file is already on the host (`tmpfilename`).
 * The engine has no upload route yet, so this mirrors pve-storage's checks (API2/Storage/
 * Status.pm) and starts the copy task in the engine, where task polling finds it.
 */
async function upload(engine: SimulatorEngine, call: StandInCall) {
  const { tmpfilename, ...fields } = call.params;
  const file = String(tmpfilename);
  const content = await readFile(file);
  const name = String(fields.filename ?? '');
  const [, node, storage] = UPLOAD.exec(call.path)!;
  const kind = String(fields.content ?? '');
  const errors: Record<string, string> = {};
  if (!['iso', 'vztmpl', 'import'].includes(kind))
    errors.content = `upload content type '${kind}' not allowed`;
  else if (kind === 'iso' && !/\.(iso|img)$/i.test(name)) errors.filename = 'wrong file extension';
  if (Object.keys(errors).length > 0) {
    return {
      status: 400,
      statusText: 'Parameter verification failed.',
      message: 'Parameter verification failed.',
      errors,
    };
  }
  const task = engine.tasks.start({
    node: node!,
    type: 'imgcopy',
    id: '',
    user: 'root@pam',
    log: [`starting file import from: ${file}`, `target file: ${storage}:${kind}/${name}`],
    work: () => {
      // In place once the copy ends, as the engine's own upload does (so content/{volume} finds it).
      const volid = `${storage}:${kind}/${name}`;
      engine.storage.volumes(node!, storage!).set(volid, {
        volid,
        content: kind,
        format: kind === 'iso' ? 'iso' : 'raw',
        size: content.length,
        ctime: Math.floor(engine.clock.now() / 1000),
      });
      return [`file size is: ${content.length}`, 'finished file import successfully'];
    },
  });
  return { status: 200, statusText: 'OK', data: task.upid };
}

/** Starts the server on a socket in `dir` (which the ssh test user must be able to reach). */
export async function startStateServer(dir: string): Promise<StateServer> {
  const engines = new Map<ServiceName, SimulatorEngine>();
  const engine = (service: ServiceName) => {
    let e = engines.get(service);
    if (!e) {
      e = new SimulatorEngine({ service, taskDurationMs: 150 });
      engines.set(service, e);
    }
    return e;
  };
  const calls: StandInCall[] = [];
  const uploads: UploadSeen[] = [];
  const answer = async (call: StandInCall & { upload?: Omit<UploadSeen, 'content'> }) => {
    calls.push({ service: call.service, method: call.method, path: call.path, params: call.params });
    const e = engine(call.service);
    if (call.method === 'POST' && UPLOAD.test(call.path) && call.upload) {
      const content = await readFile(String(call.params.tmpfilename));
      uploads.push({ ...call.upload, content: content.toString('utf8') });
      return upload(e, call);
    }
    return e.call(call.method, call.path, call.params);
  };
  const socketPath = join(dir, 'state.sock');
  const server: Server = createServer((socket) => {
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      answer(JSON.parse(line))
        .catch((e: Error) => ({ status: 500, statusText: e.message, message: e.message }))
        .then((res) => socket.end(`${JSON.stringify(res)}\n`));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  // The stand-ins run as the unprivileged ssh test user.
  await chmod(socketPath, 0o666);
  return {
    socketPath,
    engine,
    calls,
    uploads,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}
