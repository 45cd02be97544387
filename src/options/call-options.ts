/** Options of one call, the second argument of every verb. */
export interface CallOptions {
  /** Aborts the request; the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Milliseconds for this call, overriding the client's `timeout`. */
  timeout?: number;
  /** Milliseconds for this call with its retries and waits, overriding the client's `deadline`. */
  deadline?: number;
  /** Resolve to the whole envelope (`data`, `total`, `changes`, ...) instead of `data`. */
  envelope?: boolean;
  /**
   * Retry this call on connection errors and 502/503/504 even though it is not a GET.
   * Only for calls that are safe to repeat.
   */
  retry?: boolean;
  /**
   * When the call starts a task (answers a UPID), wait for the task to finish and resolve
   * to its final status; a failed task rejects with TaskFailedError.
   */
  wait?: boolean | WaitOptions;
}

/** Options of `px.tasks.wait()`. */
export interface WaitOptions {
  /** Milliseconds to wait before giving up with TimeoutError; the task keeps running. */
  timeout?: number;
  signal?: AbortSignal;
  /** Called with each new log line, in order, once each. */
  onLog?: (line: string) => void;
  /** Called after each status poll. */
  onProgress?: (status: TaskStatus) => void;
}

/** `GET /nodes/{node}/tasks/{upid}/status`, as far as every service agrees. */
export interface TaskStatus {
  upid: string;
  status: 'running' | 'stopped' | string;
  exitstatus?: string;
  type?: string;
  id?: string;
  user?: string;
  node?: string;
  starttime?: number;
  [key: string]: unknown;
}
