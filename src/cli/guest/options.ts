/** The options of the guest commands (exec, agent, console, shell, vnc). Pure data, cheap to import. */
import type { OptionTable } from '../args.js';
import { CONNECTION_OPTIONS, HELP_OPTION } from '../option-tables.js';

const NODE: OptionTable = {
  node: { value: true, arg: 'NODE', help: 'the node the guest is on (default: looked up from the VMID)' },
};

export const EXEC_OPTIONS: OptionTable = {
  ...NODE,
  'input-data': { value: true, arg: 'TEXT', help: "the program's stdin (at most 64 KiB)" },
  'input-file': { value: true, arg: 'FILE', help: "the program's stdin from a file (- for our stdin)" },
  'wait-agent': { value: false, help: 'first wait for the guest agent to answer (after a start)' },
  'wait-timeout': { value: true, arg: 'SECONDS', help: 'with --wait-agent: how long to wait (default 300)' },
  'output-format': {
    value: true,
    singleDash: true,
    arg: 'text|json|json-pretty',
    help: "text: the program's own output (default); json: one object with exitcode, stdout, stderr",
  },
  ...CONNECTION_OPTIONS,
  // Ours, not the request timeout: how long the program may run.
  timeout: {
    value: true,
    arg: 'SECONDS',
    help: 'how long the program may run before we give up (default 60)',
  },
  ...HELP_OPTION,
};

export const AGENT_OPTIONS: OptionTable = {
  ...NODE,
  ...CONNECTION_OPTIONS,
  timeout: { value: true, arg: 'SECONDS', help: 'wait: how long to wait for the agent (default 300)' },
  ...HELP_OPTION,
};

const ESCAPE: OptionTable = {
  escape: {
    value: true,
    arg: 'KEY',
    help: 'the key that, followed by q (or .), leaves: ^] (default), ^A .. ^_, a character, or none',
  },
  'quiet-after': {
    value: true,
    arg: 'SECONDS',
    help: 'piped input: after its end, leave once the output has been quiet this long (default 2)',
  },
};

export const CONSOLE_OPTIONS: OptionTable = {
  ...NODE,
  serial: { value: true, arg: 'serialN', help: 'a VM: which serial port (default: the first socket one)' },
  ...ESCAPE,
  ...CONNECTION_OPTIONS,
  ...HELP_OPTION,
};

export const SHELL_OPTIONS: OptionTable = { ...ESCAPE, ...CONNECTION_OPTIONS, ...HELP_OPTION };

export const VNC_OPTIONS: OptionTable = {
  ...NODE,
  listen: {
    value: true,
    arg: 'HOST:PORT',
    help: 'where viewers connect (default 127.0.0.1:5900; port 0 picks one)',
  },
  once: { value: false, help: 'stop after the first connection ends' },
  ...CONNECTION_OPTIONS,
  ...HELP_OPTION,
};
