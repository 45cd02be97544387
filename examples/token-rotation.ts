/**
 * Seed guide, "Rotate Tokens Regularly", corrected for real Proxmox:
 *
 * - The API path is `/access/users/{userid}/token/{tokenid}` (singular `token`, the id in the
 *   path); the seed's `users(...).tokens.post(tokenid=...)` does not exist on any Proxmox.
 * - The new token is created and checked before the old one is deleted (the seed deletes
 *   first, so a failed creation leaves automation without any token).
 * - A privilege-separated token has only the permissions granted to the token itself: its
 *   ACL entries are copied to the new token, or it could do nothing.
 * - The secret is shown once by the server. It is written to a private file (mode 0600),
 *   not printed: logs are not a secrets manager.
 *
 *   PROXMOX_HOST=... PROXMOX_USER=root@pam PROXMOX_PASSWORD=... \
 *   ROTATE_USER=automation@pve OLD_TOKEN=my-token NEW_TOKEN=my-token-v2 \
 *     node --import tsx examples/token-rotation.ts
 */
import { writeFile } from 'node:fs/promises';
import { ProxmoxSDK } from '../src/index.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const host = required('PROXMOX_HOST');
const pin = process.env.PROXMOX_FINGERPRINT ? { fingerprint: process.env.PROXMOX_FINGERPRINT } : {};
const user = process.env.ROTATE_USER || 'automation@pve';
const oldToken = process.env.OLD_TOKEN || 'my-token';
const newToken = process.env.NEW_TOKEN || 'my-token-v2';
const secretFile = process.env.NEW_TOKEN_FILE || `${newToken}.secret`;

await using admin = await ProxmoxSDK.connect({
  host,
  user: required('PROXMOX_USER'),
  password: required('PROXMOX_PASSWORD'),
  ...pin,
});
const tokens = admin.access.users(user).token;

// Keep the old token's privilege separation and expiry.
const old = await tokens(oldToken).get();
const created = await tokens(newToken).post({
  comment: 'Rotated quarterly',
  privsep: old.privsep ?? 1,
  ...(old.expire ? { expire: old.expire } : {}),
});

// Give the new token the old one's ACL entries.
const acl = await admin.access.acl.get();
const entries = acl.filter((e) => e.type === 'token' && e.ugid === `${user}!${oldToken}`);
for (const e of entries) {
  await admin.access.acl.put({
    path: e.path,
    roles: e.roleid,
    tokens: created['full-tokenid'],
    propagate: e.propagate ?? 1,
  });
}

// Check that the new token works before giving up the old one.
{
  await using check = await ProxmoxSDK.connect({
    host,
    user,
    tokenName: newToken,
    tokenValue: created.value,
    ...pin,
  });
  await check.version.get();
}
await writeFile(secretFile, `${created.value}\n`, { mode: 0o600, flag: 'wx' });
await tokens(oldToken).delete();

console.log(
  `rotated ${user}!${oldToken} -> ${created['full-tokenid']} (${entries.length} ACL entries copied)`,
);
console.log(`new secret written to ${secretFile} (mode 0600); store it in your secrets manager`);
