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
