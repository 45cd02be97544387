/**
 * Disk resize (`PUT .../resize`): `+10G` grows by, `50G` sets to; shrinking is refused,
 * as on PVE. Answers with a task that writes the new size into the config.
 */

import { authId, type HandlerContext, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { GuestType } from '../../state/cluster-state.js';
import { assertUnlocked, findGuest, sizeToBytes } from './common.js';
import { formatSize } from './property-string.js';

export function resizeDisk(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    if (str(ctx.params.skiplock) !== '1') assertUnlocked(guest);
    const disk = str(ctx.params.disk) ?? '';
    const value = guest.config[disk];
    if (!value) throw new SimError(500, `disk '${disk}' does not exist`);
    if (value.includes('media=cdrom')) throw new SimError(500, "you can't resize a cdrom");
    const current = sizeToBytes(/(?:^|,)size=([^,]+)/.exec(value)?.[1] ?? '0');
    const wanted = str(ctx.params.size) ?? '';
    const grow = wanted.startsWith('+');
    const amount = sizeToBytes(grow ? wanted.slice(1) : wanted);
    const next = grow ? current + amount : amount;
    if (next < current) throw new SimError(500, `shrinking disks is not supported`);
    return ctx.core.tasks.start({
      node: guest.node,
      type: 'resize',
      id: String(guest.vmid),
      user: authId(ctx.subject),
      work: () => {
        const size = `size=${formatSize(next)}`;
        guest.config[disk] = /(?:^|,)size=[^,]+/.test(value)
          ? value.replace(/size=[^,]+/, size)
          : `${value},${size}`;
      },
    }).upid;
  };
}
