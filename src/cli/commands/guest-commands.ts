/** The registry entries of the guest commands: exec, agent (console, shell and vnc to come). */
import { AGENT_OPTIONS, EXEC_OPTIONS } from '../guest/options.js';
import type { CommandInfo } from './registry.js';

export const GUEST_COMMANDS: readonly CommandInfo[] = [
  {
    name: 'exec',
    summary: 'run a program in a VM through the QEMU guest agent',
    synopsis: [
      'exec <vmid|name> [--node N] [--timeout S] [--input-data TEXT | --input-file FILE|-] [--wait-agent] -- <command> [args...]',
    ],
    options: EXEC_OPTIONS,
    details: `No shell runs in between: each word after -- is one argument (PVE's command array);
for pipes or redirections run a shell yourself: proxmox exec 100 -- sh -c 'dmesg | tail'.
The program's stdout goes to stdout, its stderr to stderr, and its exit status is ours
(128+N when a signal N ended it). Failures of our own use the exit codes of
'proxmox help exit-codes' (4: no such guest, 6: --timeout passed, the program keeps running).
The agent returns the output only when the program has ended, so nothing streams.`,
    load: () => import('./exec.js'),
  },
  {
    name: 'agent',
    summary: 'wait for the QEMU guest agent, read or write a file in a VM',
    synopsis: [
      'agent wait <vmid|name> [--timeout S]',
      'agent file-read <vmid|name> <path>        (the file to stdout)',
      'agent file-write <vmid|name> <path>  < data   (stdin to the file; replaces it)',
    ],
    options: AGENT_OPTIONS,
    details: `wait polls the agent until it answers (exit 0), and fails at once when the VM has no agent
configured (exit 1), or after --timeout (exit 6). file-write takes at most 45 KiB
(the API's 60 KiB of base64); file-read up to 16 MiB.`,
    load: () => import('./agent.js'),
  },
];
