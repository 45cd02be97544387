#!/bin/sh
# The guest and console commands of `proxmox` in a script. Connection from PROXMOX_*
# (PROXMOX_HOST, PROXMOX_USER, PROXMOX_PASSWORD or PROXMOX_TOKEN_NAME/_VALUE, ...), against
# a real host or `proxmox mock serve`. Usage: sh examples/cli-consoles.sh VMID NODE
# (a running VM with the guest agent, and a node to open a shell on).
set -eu
vm=${1:?a running VM with the guest agent}
node=${2:?a node}

# A program in the VM, through the guest agent: its output is ours ...
proxmox exec "$vm" -- uname -a
# ... and so is its exit status.
status=0
proxmox exec "$vm" -- sh -c 'exit 3' || status=$?
echo "sh -c 'exit 3' exited $status"

# Files in and out of the VM (stdin to the file; the file to stdout).
printf 'written by %s\n' "$(hostname)" | proxmox agent file-write "$vm" /tmp/from-the-host
proxmox agent file-read "$vm" /tmp/from-the-host | sed 's/^written by .*/written by this host/'

# A node's shell, driven through a pipe: the end of the input ends it. root@pam gets a root
# shell at once; other users meet the node's login prompt. The output is a
# terminal's (CRLF line ends, the input echoed), so pick out the line wanted.
printf 'hostname\n' | proxmox shell "$node" | tr -d '\r' | grep -x "$node"

# Interactive use needs a terminal: `proxmox console $vm` (Ctrl-] q leaves), and
# `proxmox vnc $vm` for a VNC viewer on 127.0.0.1::5900.
