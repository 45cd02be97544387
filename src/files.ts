/** Upload and download helpers (issue 6). */
import type { ClientInternals } from './client-internals.js';

export class FileHelper {
  readonly #client: ClientInternals;
  constructor(client: ClientInternals) {
    this.#client = client;
    void this.#client;
  }
}
