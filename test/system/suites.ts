/**
 * The test files that need programs from the operating system, not from npm: a real sshd
 * (and root, to create its throwaway user), the zsh and fish shells, and Debian's
 * python3-proxmoxer, openssl, blkid and isoinfo (genisoimage), and tmux (a real terminal for the consoles). `npm test` leaves them out so that it passes on a machine with only
 * Node; `npm run test:system` runs exactly these and fails when a program is missing;
 * CI (.ci/run) runs both.
 */
export const SYSTEM_SUITES: readonly string[] = [
  'test/integration/backends.test.ts',
  'test/integration/proxmoxer.test.ts',
  'test/integration/proxmoxer-more.test.ts',
  'test/transports/ssh/ssh.test.ts',
  'test/transports/ssh/connection.test.ts',
  'test/transports/shell/openssh.test.ts',
  'test/reliability/stall.test.ts',
  'test/cli/completion-shells.test.ts',
  'test/cli/console-tmux.test.ts',
  'test/integration/certificate-openssl.test.ts',
  'test/integration/nocloud-iso-tools.test.ts',
];

/** What the system suites need, and where Debian has it. */
export const SYSTEM_PROGRAMS: ReadonlyArray<{ path: string; debian: string }> = [
  { path: '/usr/sbin/sshd', debian: 'openssh-server' },
  { path: '/usr/bin/ssh', debian: 'openssh-client' },
  { path: '/usr/bin/ssh-keygen', debian: 'openssh-client' },
  { path: '/usr/sbin/useradd', debian: 'passwd' },
  { path: '/usr/bin/zsh', debian: 'zsh' },
  { path: '/usr/bin/fish', debian: 'fish' },
  { path: '/usr/bin/python3', debian: 'python3' },
  { path: '/usr/bin/openssl', debian: 'openssl' },
  { path: '/usr/sbin/blkid', debian: 'util-linux' },
  { path: '/usr/bin/isoinfo', debian: 'genisoimage' },
  { path: '/usr/bin/tmux', debian: 'tmux' },
];

export const SYSTEM_INSTALL =
  'apt-get install openssh-server openssh-client python3-proxmoxer python3-requests python3-paramiko sudo zsh fish openssl genisoimage tmux';
