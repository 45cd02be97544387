/**
 * Every `PROXMOX_*` variable the SDK and the CLI read: the one list. config.ts reads the
 * option variables from it; `proxmox --help` and docs/cli.md print it (a test checks both
 * name every variable). Pure data, cheap to import.
 */
import type { ProxmoxOptions } from '../options/options.js';

/** Environment variable -> option. */
export const ENV_VARIABLES = {
  PROXMOX_HOST: 'host',
  PROXMOX_PORT: 'port',
  PROXMOX_USER: 'user',
  PROXMOX_PASSWORD: 'password',
  PROXMOX_TOKEN_NAME: 'tokenName',
  PROXMOX_TOKEN_VALUE: 'tokenValue',
  PROXMOX_SERVICE: 'service',
  PROXMOX_BACKEND: 'backend',
  PROXMOX_VERIFY_SSL: 'verifySsl',
  PROXMOX_FINGERPRINT: 'fingerprint',
  PROXMOX_CA: 'ca',
  PROXMOX_CERT: 'cert',
  PROXMOX_KEY: 'key',
  PROXMOX_OTP: 'otp',
  PROXMOX_TOTP_SECRET: 'totpSecret',
} as const satisfies Record<string, keyof ProxmoxOptions>;

/** Variables that choose how options are found or watched rather than being one. */
export const CONTROL_VARIABLES = {
  PROXMOX_PROFILE: 'the profile beneath the environment',
  PROXMOX_DEBUG: 'log each request and answer to stderr, secrets masked (1, true)',
} as const;

/**
 * What each variable means, for help texts. Typed so that a variable added above without
 * a line here fails to compile.
 */
export const ENV_VARIABLE_HELP: Readonly<
  Record<keyof typeof ENV_VARIABLES | keyof typeof CONTROL_VARIABLES, string>
> = {
  PROXMOX_HOST: 'server: name, address, host:port, URL; comma-separated for a cluster',
  PROXMOX_PORT: 'API port',
  PROXMOX_USER: 'user@realm',
  PROXMOX_PASSWORD: 'the password',
  PROXMOX_TOKEN_NAME: 'API token id (after the !)',
  PROXMOX_TOKEN_VALUE: 'API token secret',
  PROXMOX_SERVICE: 'pve, pbs, pmg or pdm',
  PROXMOX_BACKEND: 'https, ssh, openssh, local or mock',
  PROXMOX_VERIFY_SSL: 'false (0, no) skips certificate checks',
  PROXMOX_FINGERPRINT: "pin the server certificate's SHA-256 fingerprint",
  PROXMOX_CA: 'trusted CA certificate(s): PEM text or file',
  PROXMOX_CERT: 'TLS client certificate: PEM text or file',
  PROXMOX_KEY: "the client certificate's key: PEM text or file",
  PROXMOX_OTP: 'one two-factor code for the first login',
  PROXMOX_TOTP_SECRET: 'base32 TOTP secret: two-factor codes are generated from it',
  ...CONTROL_VARIABLES,
};
