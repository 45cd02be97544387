/**
 * The check qemu-server runs on `sshkeys` (PVE/API2/Qemu.pm create_vm and update_vm_api):
 * URI::Escape::uri_unescape, then pve-common PVE/Tools.pm validate_ssh_public_keys, which
 * hands every non-blank line to `ssh-keygen -l` and dies "SSH public key validation error"
 * on the first it rejects. The value is stored as sent (still encoded). Here a line passes
 * when it holds a key type followed by base64 whose blob starts with that same type
 * (the SSH wire format, RFC 4253 6.6), which is what ssh-keygen reads first. A form-encoded
 * value ('+' for a space) fails, as on PVE: uri_unescape leaves the '+' in place.
 */

import type { HandlerContext } from '../../engine/handler.js';
import { str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';

/** `%XX` to bytes and nothing else: no '+' for a space, a malformed escape left as it is. */
function uriUnescape(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function blobType(base64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const blob = Buffer.from(base64, 'base64');
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  return length > 0 && 4 + length < blob.length ? blob.subarray(4, 4 + length).toString('latin1') : undefined;
}

function validLine(line: string): boolean {
  const fields = line.trim().split(/\s+/);
  // Options (`from="...",no-pty`) may come first, as in authorized_keys.
  for (let i = 0; i + 1 < fields.length; i++) {
    if (blobType(fields[i + 1]!) === fields[i]) return true;
  }
  return false;
}

/** Throws PVE's error when `sshkeys` is given and a line of it is no public key. */
export function checkSshKeys(ctx: HandlerContext): void {
  const value = str(ctx.params.sshkeys);
  if (value === undefined) return;
  for (const line of uriUnescape(value).split('\n')) {
    if (/^\s*$/.test(line)) continue;
    if (!validLine(line)) throw new SimError(500, 'SSH public key validation error');
  }
}
