/** The registry entries of the guest commands: exec, agent, console, shell, vnc. */
import {
  AGENT_OPTIONS,
  CONSOLE_OPTIONS,
  EXEC_OPTIONS,
  SHELL_OPTIONS,
  VNC_OPTIONS,
} from '../guest/options.js';
import type { CommandInfo } from './registry.js';

const loadConsole = () => import('./console.js');

const CONSOLE_DETAILS = `Interactive on a terminal: every key goes to the remote side (Ctrl-C too), the window size
follows yours, and the escape key (Ctrl-] unless --escape) followed by q or . leaves; the
escape key twice sends it once. Exit 0 when the remote side closes or you leave.
With stdin not a terminal the input goes through as it is, and its end is sent as Ctrl-D,
so that a script can pipe commands in: printf 'uptime\\nexit\\n' | proxmox shell pve1;
after the input's end the session also ends once the output is quiet for --quiet-after.
API tokens open consoles only on recent servers (pve-manager 9.0.13, qemu-server 9.1.7,
pve-container 6.1.3); log in with a password on older ones.`;

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
  {
    name: 'console',
    summary: "open a VM's serial console or a container's console in this terminal",
    synopsis: ['console <vmid|name> [--serial serialN] [--escape KEY]'],
    options: CONSOLE_OPTIONS,
    details: CONSOLE_DETAILS,
    load: loadConsole,
  },
  {
    name: 'shell',
    summary: 'open a shell on a node in this terminal',
    synopsis: ['shell <node> [--escape KEY]'],
    options: SHELL_OPTIONS,
    details: CONSOLE_DETAILS,
    load: loadConsole,
  },
  {
    name: 'vnc',
    summary: "forward a local port to a guest's display, for any VNC viewer",
    synopsis: ['vnc <vmid|name> [--listen 127.0.0.1:5900] [--once]'],
    options: VNC_OPTIONS,
    details: `Each connection a viewer makes opens its own vncproxy (a ticket serves one connection)
and prints its one-time VNC password here, which the viewer asks for. The port is open to
anyone who can reach it, so keep it on 127.0.0.1 (or tunnel it with ssh -L). Runs until
Ctrl-C (exit 0), or with --once until the first connection ends.`,
    load: () => import('./vnc.js'),
  },
];
