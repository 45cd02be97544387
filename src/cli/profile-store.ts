/**
 * The SDK's profile store (src/config/config.ts), imported only by the commands that use it:
 * it brings the YAML parser along. The CLI never writes profile files itself: one store,
 * one file format, one lock. This module adds what printing needs: secret masking.
 */

// stored-options.ts is light (no YAML parser): imported statically for the masking rule.
import { maskStoredSecrets, type StoredOptions } from '../config/stored-options.js';
import { isSecretOptionKey } from '../options/options.js';

export type ProfileData = Record<string, unknown>;

const store = () => import('../config/config.js');

export async function listProfiles(): Promise<{ name: string; isDefault: boolean }[]> {
  return (await store()).listProfiles();
}

export async function getProfile(name: string): Promise<ProfileData | undefined> {
  return (await (await store()).getProfile(name)) as ProfileData | undefined;
}

export async function saveProfile(name: string, options: ProfileData): Promise<void> {
  await (await store()).saveProfile(name, options as StoredOptions);
}

export async function removeProfile(name: string): Promise<boolean> {
  return (await store()).removeProfile(name);
}

export async function setDefaultProfile(name: string): Promise<void> {
  await (await store()).setDefaultProfile(name);
}

export async function configPath(): Promise<string> {
  return (await store()).configPath();
}

/** Keys whose values are secrets, in camelCase or the snake_case of Python users' files. */
export const isSecretKey = isSecretOptionKey;

/** A copy with every secret, secret command and proxy credential masked (the SDK's rule). */
export function maskSecrets(data: ProfileData): ProfileData {
  return maskStoredSecrets(data);
}
