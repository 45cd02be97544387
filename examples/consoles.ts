/**
 * Consoles from a script: a container's console (log in, run commands, resize the pty),
 * then a VM's display over VNC, up to the security types its RFB server offers.
 *
 *   node --import tsx examples/consoles.ts [ct-vmid] [vm-vmid]       (default 109 and 103)
 *
 * The connection comes from PROXMOX_* variables (see env-vars.ts); an API token works on
 * PVE 9 (pve-manager 9.0.13, qemu-server 9.1.7, pve-container 6.1.3; see docs/consoles.md).
 * Needs the optional package `ws` (npm install ws). The guest's login is the guest's own:
 * against the simulator any user and password log in.
 */
import type { Duplex } from 'node:stream';
import { ProxmoxSDK, type TerminalStream } from '../src/index.js';

const ct = Number(process.argv[2] ?? 109);
const vm = Number(process.argv[3] ?? 103);

/** Resolves once `text` has appeared in what the terminal printed since the last call. */
function reader(term: TerminalStream): (text: string) => Promise<string> {
  let screen = '';
  term.setEncoding('utf8');
  term.on('data', (chunk: string) => {
    screen += chunk;
  });
  return async (text) => {
    for (;;) {
      const at = screen.indexOf(text);
      if (at >= 0) {
        const seen = screen.slice(0, at + text.length);
        screen = screen.slice(at + text.length);
        return seen;
      }
      if (term.readableEnded) throw new Error(`the console ended before ${JSON.stringify(text)}`);
      await new Promise((resolve) => term.once('data', resolve));
    }
  };
}

/** Reads exactly `n` bytes of a byte stream (RFB messages have fixed sizes). */
async function readBytes(stream: Duplex, n: number): Promise<Buffer> {
  for (;;) {
    const chunk = stream.read(n) as Buffer | null;
    if (chunk !== null) return chunk;
    await new Promise((resolve) => stream.once('readable', resolve));
  }
}

await using px = ProxmoxSDK.fromEnv();

// 1. A container console: the node and type are found from the VMID.
const guest = await px.consoles.locate(ct);
const term = await px.consoles.terminal(guest, { cols: 100, rows: 30 });
const until = reader(term);
await until('login: ');
term.write('root\r');
await until('Password: ');
term.write('not-a-real-password\r');
await until('# ');
term.write('uname -a\r');
console.log(`ct ${ct} on ${guest.node}: ${(await until('# ')).split('\r\n')[1]}`);
term.write('stty size\r');
console.log(`pty size (rows cols): ${(await until('# ')).split('\r\n')[1]}`);
term.resize(132, 43);
term.write('stty size\r');
console.log(`after resize: ${(await until('# ')).split('\r\n')[1]}`);
term.write('exit\r');
await until('logout');
term.destroy();

// 2. A VM's display: raw RFB. A VNC viewer would answer the challenge with vnc.password;
// here the version and security types are enough to see who answers.
const vnc = await px.consoles.vnc(vm);
const version = (await readBytes(vnc, 12)).toString('latin1').trim();
vnc.write('RFB 003.008\n');
const count = (await readBytes(vnc, 1))[0]!;
const types = [...(await readBytes(vnc, count))];
console.log(`vm ${vm}: ${version}, security types ${types.join(',')} (2 = VNC Authentication)`);
vnc.destroy();
