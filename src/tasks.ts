/** Task helpers (issue 6): UPID parsing, waiting, following the log. */
import type { TaskStatus, WaitOptions } from './call-options.js';
import type { ClientInternals } from './client-internals.js';
import { InvalidArgumentError } from './errors.js';

export class TaskHelper {
  readonly #client: ClientInternals;
  constructor(client: ClientInternals) {
    this.#client = client;
  }
  async wait(_upid: string, _options: WaitOptions = {}): Promise<TaskStatus> {
    void this.#client;
    throw new InvalidArgumentError('tasks.wait is not available yet');
  }
}
