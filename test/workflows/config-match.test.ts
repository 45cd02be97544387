/**
 * configSatisfies: what PVE stores for a value it rewrote on the way in still satisfies what
 * the script asked for (qemu-server create_disks allocates STORAGE:SIZE; a NIC without a MAC
 * gets a generated one, pve-common PVE/Tools.pm random_ether_addr).
 */
import { describe, expect, it } from 'vitest';
import { configSatisfies } from '../../src/workflows/config-match.js';

describe('configSatisfies', () => {
  it.each([
    ['2048', 2048, true],
    ['4096', 2048, false],
    [undefined, 2048, false],
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0', 'virtio,bridge=vmbr0', true],
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1', 'virtio,bridge=vmbr0', true],
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0', 'virtio,bridge=vmbr1', false],
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0', 'e1000,bridge=vmbr0', false],
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0', 'virtio=BC:24:11:00:00:01,bridge=vmbr0', true],
    ['virtio=BC:24:11:00:00:01,bridge=vmbr0', 'virtio=BC:24:11:00:00:02,bridge=vmbr0', false],
    ['name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:03,type=veth', 'name=eth0,bridge=vmbr0', true],
    ['local-lvm:vm-100-disk-0,size=8G', 'local-lvm:8', true],
    ['local-lvm:vm-100-disk-0,size=8G', 'local-lvm:16', false],
    ['local-lvm:vm-100-disk-0,size=8G', 'other:8', false],
    ['local-lvm:vm-100-disk-0,iothread=1,size=8G', 'local-lvm:8,iothread=1', true],
    ['local-lvm:vm-100-disk-0,size=8G', 'local-lvm:8,ssd=1', false],
  ])('%s satisfies %s: %s', (current, desired, expected) => {
    expect(configSatisfies(current, desired)).toBe(expected);
  });
});
