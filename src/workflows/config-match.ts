/**
 * Whether a config value as PVE stores it satisfies the value a script asked for. PVE rewrites
 * some values on the way in, so comparing text would set them again on every run:
 * - a NIC given without a MAC gets one: `virtio,bridge=vmbr0` is stored as
 *   `virtio=BC:24:11:…,bridge=vmbr0` (qemu-server PVE/API2/Qemu.pm create_vm/update_vm,
 *   pve-common PVE/Tools.pm random_ether_addr), and pve-container adds `hwaddr=`;
 * - a disk asked for as STORAGE:SIZE is stored as the volume allocated for it with
 *   `size=SIZEG` (qemu-server create_disks).
 * So every part the script gave must be in the stored value, which may hold more.
 */

const ALLOCATION = /^([^:=,]+):(\d+(?:\.\d+)?)$/;

export function configSatisfies(current: unknown, desired: string | number): boolean {
  const want = String(desired);
  if (current === undefined || current === null) return false;
  const have = String(current);
  if (have === want) return true;
  const haveParts = have.split(',');
  const head = haveParts[0] ?? '';
  const options = new Map<string, string>();
  for (const part of haveParts) {
    const eq = part.indexOf('=');
    if (eq > 0) options.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const wantParts = want.split(',');
  return wantParts.every((part, i) => {
    const eq = part.indexOf('=');
    if (eq > 0) return options.get(part.slice(0, eq)) === part.slice(eq + 1) || (i === 0 && head === part);
    if (i !== 0) return false;
    // The value of the default key: the same, or a NIC model with the MAC PVE generated.
    if (head === part || head.startsWith(`${part}=`)) return true;
    const allocation = ALLOCATION.exec(part);
    return (
      allocation !== null &&
      head.startsWith(`${allocation[1]}:`) &&
      options.get('size') === `${allocation[2]}G`
    );
  });
}
