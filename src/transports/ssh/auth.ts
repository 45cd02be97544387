/**
 * Which ssh authentication methods to try, in which order: the key file, the agent, the
 * password, then keyboard-interactive answered with the password (what sshd with PAM asks).
 * Secrets stay in the ssh2 config; messages name files and methods, never their content.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import ssh2 from 'ssh2';
import { AuthenticationError, InvalidArgumentError } from '../../core/errors.js';

export interface SshAuthOptions {
  username: string;
  privateKeyFile?: string | undefined;
  passphrase?: string | undefined;
  password?: string | undefined;
  /** Agent socket; undefined falls back to SSH_AUTH_SOCK. */
  agent?: string | undefined;
}

interface Step {
  /** The method name sshd lists in its "can continue" set. */
  server: 'publickey' | 'password' | 'keyboard-interactive';
  /** What to show in messages: `publickey (id_ed25519)`, `agent`, `password`. */
  label: string;
  method: AnyAuthMethod;
}

function loadKey(file: string, passphrase: string | undefined): ParsedKey {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (e) {
    throw new InvalidArgumentError(`option privateKeyFile: cannot read ${file} (${(e as Error).message})`);
  }
  const parsed = ssh2.utils.parseKey(text, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt/i.test(parsed.message);
    // ssh2's messages name the problem, not the passphrase; we still write our own.
    throw new AuthenticationError(
      encrypted
        ? `private key ${file} is encrypted and ${passphrase === undefined ? 'no passphrase was given' : 'the passphrase does not open it'}`
        : `private key ${file} cannot be parsed (${parsed.message})`,
    );
  }
  return Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
}

/** The keys ssh tries when none is named, in OpenSSH's order. */
function defaultKeyFiles(): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(homedir(), '.ssh', n));
}

function fileExists(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

export function authSteps(options: SshAuthOptions): Step[] {
  const username = options.username;
  const steps: Step[] = [];
  if (options.privateKeyFile) {
    const key = loadKey(options.privateKeyFile, options.passphrase);
    steps.push({
      server: 'publickey',
      label: `publickey (${options.privateKeyFile})`,
      method: { type: 'publickey', username, key },
    });
  }
  const agent = options.agent ?? process.env.SSH_AUTH_SOCK;
  if (agent) steps.push({ server: 'publickey', label: 'agent', method: { type: 'agent', username, agent } });
  if (!options.privateKeyFile) {
    for (const file of defaultKeyFiles().filter(fileExists)) {
      try {
        const key = loadKey(file, options.passphrase);
        steps.push({
          server: 'publickey',
          label: `publickey (${file})`,
          method: { type: 'publickey', username, key },
        });
      } catch {
        // A default key that needs a passphrase we lack is skipped, as ssh does in BatchMode.
      }
    }
  }
  const password = options.password;
  if (password !== undefined) {
    steps.push({ server: 'password', label: 'password', method: { type: 'password', username, password } });
    steps.push({
      server: 'keyboard-interactive',
      label: 'keyboard-interactive',
      method: {
        type: 'keyboard-interactive',
        username,
        // PAM asks "Password: " with echo off; any other question gets the same answer,
        // which fails cleanly instead of hanging.
        prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
      },
    });
  }
  return steps;
}

/**
 * An ssh2 authHandler that walks the steps, skipping methods the server no longer offers;
 * `tried` records the labels for the failure message.
 */
export function authHandler(steps: readonly Step[], tried: string[]): AuthHandlerMiddleware {
  let next = 0;
  return (methodsLeft, _partial, callback) => {
    while (next < steps.length) {
      const step = steps[next++]!;
      if (methodsLeft && !methodsLeft.includes(step.server as AuthenticationType)) continue;
      tried.push(step.label);
      callback(step.method);
      return;
    }
    callback(false as unknown as AuthenticationType);
  };
}
