// synckit's `tsRunner: 'tsx'` passes `--import tsx` to the worker, which Node 20 does not
// apply to a worker's own entry; registering tsx here first, then importing, works everywhere.
import { register } from 'tsx/esm/api';

register();
await import('./sync-synckit-worker.ts');
