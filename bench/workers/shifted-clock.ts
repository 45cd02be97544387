/**
 * Lets the renewal scenario move a client's wall clock: Date.now() plus an offset.
 * Installed before the client is created, so that whatever captures Date.now (the SDK's
 * ticket age) sees the shifted time; timers and performance.now() are untouched, so no
 * timeout fires because of a jump.
 */
const realNow = Date.now;
let offset = 0;

export function installShiftedClock(): void {
  Date.now = () => realNow() + offset;
}

export function shiftClock(ms: number): number {
  offset += ms;
  return offset;
}
