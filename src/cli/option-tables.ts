/**
 * The CLI's own options, by group. Pure data: help, completion and the parser read it,
 * so it must stay cheap to import.
 */
import type { OptionTable } from './args.js';

export const CONNECTION_OPTIONS: OptionTable = {
  host: { value: true, arg: 'HOST', help: 'server: name, address, host:port or https://host:port' },
  port: { value: true, arg: 'PORT', help: 'API port (default 8006, PBS 8007, PDM 8443)' },
  user: { value: true, arg: 'USER@REALM', help: 'user to log in as, e.g. root@pam' },
  realm: { value: true, arg: 'REALM', help: 'realm appended to --user when it has none' },
  'token-name': { value: true, arg: 'NAME', help: 'API token id (the part after !); secret via stdin/env' },
  service: { value: true, arg: 'pve|pbs|pmg|pdm', help: 'which product (default pve)' },
  backend: { value: true, arg: 'NAME', help: 'https (default), ssh, openssh, local or mock' },
  fingerprint: { value: true, arg: 'AA:BB:..', help: "pin the server certificate's SHA-256 fingerprint" },
  insecure: { value: false, help: 'do not verify the TLS certificate (prints a warning)' },
  ca: { value: true, arg: 'FILE', help: 'trust the CA certificate(s) in this PEM file' },
  cert: { value: true, arg: 'FILE', help: 'TLS client certificate (PEM; may hold the key too)' },
  key: { value: true, arg: 'FILE', help: "the client certificate's private key (PEM)" },
  timeout: { value: true, arg: 'SECONDS', help: 'seconds for one request (default 30)' },
  profile: { value: true, arg: 'NAME', help: 'use a saved profile (see `proxmox config`)' },
  'password-stdin': { value: false, help: 'read the password from stdin' },
  'token-value-stdin': { value: false, help: 'read the API token secret from stdin' },
};

export const OUTPUT_OPTIONS: OptionTable = {
  'output-format': {
    value: true,
    singleDash: true,
    arg: 'text|json|json-pretty|yaml|table',
    help: 'how to print the result (default text)',
  },
  noborder: { value: false, singleDash: true, help: 'text/table: do not draw borders' },
  noheader: { value: false, singleDash: true, help: 'text/table: do not print column headers' },
  quiet: { value: false, singleDash: true, help: 'print no result (and no task log)' },
  'human-readable': {
    value: false,
    singleDash: true,
    help: 'text/table: bytes, durations, percentages and times for people (default 1; 0: raw values)',
  },
};

export const HELP_OPTION: OptionTable = {
  help: { value: false, short: 'h', help: 'show help for this command' },
};

export const WAIT_OPTION: OptionTable = {
  wait: {
    value: false,
    help: 'when the call starts a task: print its UPID, follow it on stderr, exit 5 if it fails',
  },
};

export const TRACE_OPTIONS: OptionTable = {
  debug: { value: false, help: 'print each request and answer on stderr, secrets masked' },
  curl: {
    value: false,
    help: 'print the call as a curl command line (secrets as shell variables) and send nothing',
  },
};

/**
 * Options accepted before the command (`proxmox --profile lab get /version`): the ones every
 * API command has. A command refuses those it has no use for.
 */
export const GLOBAL_OPTIONS: OptionTable = {
  ...CONNECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
  ...WAIT_OPTION,
  ...TRACE_OPTIONS,
  ...HELP_OPTION,
};

export const MOCK_OPTIONS: OptionTable = {
  service: { value: true, arg: 'pve|pbs|pmg|pdm', help: 'which product to simulate (default pve)' },
  host: { value: true, arg: 'ADDRESS', help: 'address to listen on (default 127.0.0.1)' },
  port: {
    value: true,
    arg: 'PORT',
    help: "port (default the service's: 8006, PBS 8007, PDM 8443; 0 picks one)",
  },
  dataset: { value: true, arg: 'demo|empty', help: 'initial data (default demo)' },
  guests: { value: true, arg: 'N', help: 'scale the demo cluster to N guests' },
  'auth-delay': {
    value: true,
    arg: 'MS',
    help: 'how long a refused authentication waits, as Proxmox does (default 3000; 0 for quick tests)',
  },
  json: { value: false, help: 'print one JSON line with url, fingerprint and users, and nothing else' },
  'client-ca': {
    value: true,
    arg: 'FILE',
    help: 'require a TLS client certificate signed by a CA in this PEM file (mutual TLS)',
  },
};

/** `config add`: connection settings to store; secrets only from stdin, a prompt, or a command. */
export const CONFIG_ADD_OPTIONS: OptionTable = {
  host: CONNECTION_OPTIONS.host!,
  port: CONNECTION_OPTIONS.port!,
  user: CONNECTION_OPTIONS.user!,
  realm: CONNECTION_OPTIONS.realm!,
  'token-name': CONNECTION_OPTIONS['token-name']!,
  service: CONNECTION_OPTIONS.service!,
  backend: CONNECTION_OPTIONS.backend!,
  fingerprint: CONNECTION_OPTIONS.fingerprint!,
  insecure: { value: false, help: 'store verifySsl: false (not recommended; prefer --fingerprint)' },
  ca: CONNECTION_OPTIONS.ca!,
  cert: CONNECTION_OPTIONS.cert!,
  key: CONNECTION_OPTIONS.key!,
  timeout: CONNECTION_OPTIONS.timeout!,
  'password-stdin': { value: false, help: 'read the password to store from stdin' },
  'token-value-stdin': { value: false, help: 'read the API token secret to store from stdin' },
  'password-command': {
    value: true,
    arg: 'CMD',
    help: 'store a command that prints the password (e.g. `pass show pve`) instead of the password',
  },
  'token-value-command': {
    value: true,
    arg: 'CMD',
    help: 'store a command that prints the API token secret instead of the secret',
  },
  'totp-secret-command': {
    value: true,
    arg: 'CMD',
    help: 'two-factor: store a command that prints the base32 TOTP secret; codes are made from it',
  },
  'no-secret': { value: false, help: 'store no secret: prompt for it at each use' },
  'no-check': {
    value: false,
    help: 'save without trying the connection first (by default add logs in and reads /version)',
  },
  default: { value: false, help: 'make this the default profile' },
  force: { value: false, help: 'replace an existing profile of that name' },
};

/** What `bulk` does to each guest (the workflows' power actions). */
export const BULK_ACTIONS = ['start', 'stop', 'shutdown'] as const;

/** `bulk`: which guests, how many at once, and how a shutdown ends. */
export const BULK_OPTIONS: OptionTable = {
  all: { value: false, help: 'every guest (templates left out)' },
  'all-running': { value: false, help: 'every running guest' },
  'all-stopped': { value: false, help: 'every stopped guest' },
  node: { value: true, arg: 'NODE', help: 'only guests on this node' },
  type: { value: true, arg: 'qemu|lxc', help: 'only VMs or only containers' },
  concurrency: { value: true, arg: 'N', help: 'guests in flight at once (default 4)' },
  'shutdown-timeout': {
    value: true,
    arg: 'SECONDS',
    help: 'shutdown: how long a guest gets before it is stopped hard (default 60)',
  },
  'no-force': { value: false, help: 'shutdown: never stop hard; a guest that does not shut down fails' },
  yes: { value: false, help: 'stop/shutdown of guests picked by --all...: do not ask' },
};
