/**
 * Seed guide, "5. Two-Factor Authentication (TOTP)" and "Dynamic TOTP Generation".
 *
 * With `totpSecret` (the base32 secret behind the QR code) the SDK computes the code at the
 * moment the server asks for it, including on every later re-login; no pyotp-style code is
 * needed. A one-shot code from an authenticator app goes in `otp` instead (PROXMOX_OTP).
 * On PVE 7+ logins are two steps (`tfa-challenge`), which the SDK handles; the seed's one-shot
 * `otp` field only works on old PVE and on PMG.
 *
 *   PROXMOX_HOST=... PROXMOX_USER=admin@pam PROXMOX_PASSWORD=... PROXMOX_TOTP_SECRET=JBSW... \
 *     node --import tsx examples/totp.ts
 */
import { ProxmoxSDK } from '../src/index.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const secondFactor = process.env.PROXMOX_OTP
  ? { otp: process.env.PROXMOX_OTP }
  : { totpSecret: required('PROXMOX_TOTP_SECRET') };

await using px = await ProxmoxSDK.connect({
  host: required('PROXMOX_HOST'),
  user: required('PROXMOX_USER'),
  password: required('PROXMOX_PASSWORD'),
  ...secondFactor,
  ...(process.env.PROXMOX_FINGERPRINT ? { fingerprint: process.env.PROXMOX_FINGERPRINT } : {}),
});
const nodes: Array<{ node: string }> = await px.nodes.get();
console.log(`logged in with a second factor: ${nodes.length} nodes`);
