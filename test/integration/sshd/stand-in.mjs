// Stand-in for pvesh, pmgsh and `proxmox-backup-debug api` on the test sshd's PATH.
// It speaks their argument syntax, output and exit codes, and forwards the call to the
// state server (one JSON line over a unix socket) that holds the simulated host.
// Usage (from the wrapper scripts): node stand-in.mjs <tool> <socket> <tool args...>
import { statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';

const [, , tool, socketPath, ...args] = process.argv;
const SERVICE = { pvesh: 'PVE', pmgsh: 'PMG', 'proxmox-backup-debug': 'PBS' }[tool];
const VERBS = { get: 'GET', create: 'POST', set: 'PUT', delete: 'DELETE' };

function fail(text, code = 255) {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  process.exit(code);
}

if (tool === 'proxmox-backup-debug') {
  if (args.shift() !== 'api') fail('Error: expected subcommand "api"', 1);
}
const [verb, path, ...rest] = args;
if (!verb || !(verb in VERBS)) fail(`${tool}: unknown command '${verb ?? ''}'`);
if (!path?.startsWith('/')) fail(`${tool}: missing path`);

// Getopt::Long in pvesh/pmgsh takes -key and --key; the Rust tool only --key.
const params = {};
let format = tool === 'pmgsh' ? 'json-pretty' : 'text';
for (let i = 0; i < rest.length; i++) {
  const word = rest[i];
  const m = /^--?([A-Za-z][\w.[\]-]*)$/.exec(word);
  if (!m || (tool === 'proxmox-backup-debug' && !word.startsWith('--')))
    fail(`${tool}: unexpected argument '${word}'`);
  if (i + 1 >= rest.length) fail(`${tool}: option '${word}' requires an argument`);
  const value = rest[++i];
  if (m[1] === 'output-format' && tool !== 'pmgsh') {
    format = value;
    continue;
  }
  const key = m[1];
  params[key] = key in params ? [].concat(params[key], value) : value;
}

function print(data) {
  if (data === null || data === undefined) return;
  if (format === 'json') process.stdout.write(`${JSON.stringify(data)}\n`);
  else if (typeof data === 'string') process.stdout.write(`${data}\n`);
  else process.stdout.write(`${JSON.stringify(data, null, 4)}\n`);
}

// Test hooks that need no simulated host.
if (path === '/_test/argv') {
  print({ argv: process.argv.slice(4), params });
  process.exit(0);
}
if (path === '/_test/env') {
  print({ user: process.env.USER ?? null, sshAuthSock: process.env.SSH_AUTH_SOCK ?? null });
  process.exit(0);
}
if (path === '/_test/warn') {
  process.stderr.write('WARN: 500 MB left, check storage 404\n');
  print({ ok: 1 });
  process.exit(0);
}
if (path === '/_test/sleep') {
  if (params.pidfile) writeFileSync(params.pidfile, String(process.pid));
  setTimeout(() => {
    print({ slept: Number(params.ms) });
    process.exit(0);
  }, Number(params.ms));
} else {
  run();
}

function run() {
  const call = { service: SERVICE, method: VERBS[verb], path, params };
  if (/\/storage\/[^/]+\/upload$/.test(path) && VERBS[verb] === 'POST') {
    const tmp = params.tmpfilename;
    if (!tmp) fail('missing temporary file name');
    let st;
    try {
      st = statSync(tmp);
    } catch {
      fail(`temporary file '${tmp}' does not exist`);
    }
    call.upload = { tmpfilename: tmp, mode: st.mode & 0o777, uid: st.uid, size: st.size };
  }
  const sock = createConnection(socketPath);
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (c) => {
    buf += c;
  });
  sock.on('error', (e) => fail(`${tool}: cannot reach the simulated host: ${e.message}`));
  sock.on('end', () => {
    const res = JSON.parse(buf);
    if (res.status < 400) {
      // pve-storage's upload worker removes the staged file once it is copied.
      if (call.upload) unlinkSync(call.upload.tmpfilename);
      print(res.data);
      process.exit(0);
    }
    const message = (res.message ?? res.statusText).replace(/\n+$/, '');
    if (tool === 'proxmox-backup-debug') fail(`Error: ${message}`, 255);
    // PVE::Exception prints its code first, except for plain die() (a 500 on HTTP).
    let text = res.status === 500 ? message : `${res.status} ${message}`;
    for (const [k, v] of Object.entries(res.errors ?? {})) text += `\n${k}: ${v}`;
    fail(text, 255);
  });
  sock.write(`${JSON.stringify(call)}\n`);
}
