/**
 * Seed guide, "2. Password Authentication": basic, interactive prompt, environment variable.
 *
 * The password comes from PROXMOX_PASSWORD; without it, on a terminal, it is asked for
 * (not echoed). Never hard-code it. One login is shared by every call; the ticket is renewed
 * before it expires.
 *
 *   PROXMOX_HOST=pve.example.com PROXMOX_USER=admin@pam node --import tsx examples/password.ts
 */
import { createInterface } from 'node:readline/promises';
import { ProxmoxSDK } from '../src/index.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Reads a line from the terminal without echoing it. */
async function askPassword(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s) => {
    if (s.startsWith(prompt)) write.call(rl, prompt);
  };
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}

const password =
  process.env.PROXMOX_PASSWORD ||
  (process.stdin.isTTY ? await askPassword('Enter Proxmox password: ') : required('PROXMOX_PASSWORD'));

await using px = await ProxmoxSDK.connect({
  host: required('PROXMOX_HOST'),
  user: required('PROXMOX_USER'),
  password,
  ...(process.env.PROXMOX_FINGERPRINT ? { fingerprint: process.env.PROXMOX_FINGERPRINT } : {}),
});
const nodes: Array<{ node: string }> = await px.nodes.get();
console.log(`logged in as ${process.env.PROXMOX_USER}: ${nodes.map((n) => n.node).join(', ')}`);
