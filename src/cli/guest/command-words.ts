/**
 * The words of the guest commands: agent's subcommands and, for completion, which
 * positional names a guest (completed with the VMIDs of /cluster/resources) or a node
 * (the names of /nodes).
 */
export const AGENT_SUBCOMMANDS = ['wait', 'file-read', 'file-write'] as const;

const FIRST_WORD: Readonly<Record<string, 'guest' | 'node'>> = {
  exec: 'guest',
  console: 'guest',
  vnc: 'guest',
  shell: 'node',
};

/** `positionals`: how many positional words come before the one being completed. */
export function guestWordKind(command: string, positionals: number): 'guest' | 'node' | 'agent' | undefined {
  if (command === 'agent') return positionals === 0 ? 'agent' : positionals === 1 ? 'guest' : undefined;
  // `bulk start 100 101 ...`: any number of guests after the action.
  if (command === 'bulk') return positionals >= 1 ? 'guest' : undefined;
  return positionals === 0 ? FIRST_WORD[command] : undefined;
}

/** Commands whose --node option names a node. */
export const NODE_OPTION_COMMANDS = new Set(['exec', 'agent', 'console', 'vnc', 'bulk']);
