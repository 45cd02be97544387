/**
 * The command line a termproxy worker runs, as pve-manager PVE/API2/Nodes.pm,
 * qemu-server PVE/API2/Qemu.pm and pve-container src/PVE/API2/LXC.pm build it: it is what
 * the task's exit status quotes when termproxy fails (PVE::Tools::run_command dies with
 * "command '...' failed: exit code 1", the words termproxy printed go to the task log).
 */
import type { TerminalTarget } from './sessions.js';

/** The worker's pipe for --ticket-fd; its number is the worker's business, this one is typical. */
const TICKET_FD = 3;

/** Nodes.pm get_shell_command: root@pam logs in as root at once, everyone else meets /bin/login. */
function programOf(target: TerminalTarget, authid: string): string[] {
  if (target.type === 'node') {
    if (authid !== 'root@pam') return ['/bin/login'];
    return target.upgrade ? ['/usr/bin/pveupgrade', '--shell'] : ['/bin/login', '-f', 'root'];
  }
  const vmid = String(target.guest.vmid);
  if (target.type === 'qemu') {
    const iface = target.serial === undefined ? [] : ['-iface', target.serial];
    return ['/usr/sbin/qm', 'terminal', vmid, '-escape', '0', ...iface];
  }
  // PVE::LXC::get_console_command with escape -1, under dtach so that the console survives the client.
  const cmode = target.guest.config.cmode ?? 'tty';
  const console =
    cmode === 'shell'
      ? ['lxc-attach', '--clear-env', '-n', vmid]
      : cmode === 'console'
        ? ['lxc-console', '-n', vmid, '-t', '0', '-e', '-1']
        : ['lxc-console', '-n', vmid, '-e', '-1'];
  return ['/usr/bin/dtach', '-A', `/var/run/dtach/vzctlconsole${vmid}`, '-r', 'winch', '-z', ...console];
}

export function termproxyCommand(
  target: TerminalTarget,
  port: number,
  path: string,
  perm: string,
  authid: string,
): string {
  return [
    ...['/usr/bin/termproxy', String(port), '--path', path, '--perm', perm],
    ...['--vncticket-endpoint', '--verify-port', '--ticket-fd', String(TICKET_FD), '--'],
    ...programOf(target, authid),
  ].join(' ');
}
