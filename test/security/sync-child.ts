/**
 * Child process for the secret scan: the blocking facade blocks its thread while it waits,
 * so the simulator must run elsewhere (in the parent). Prints how the error looks after
 * crossing the facade's worker, in every form a user could print it.
 * Environment: SCAN_HOST, SCAN_FINGERPRINT, SCAN_USER, SCAN_PASSWORD.
 */
import { inspect } from 'node:util';
import { ProxmoxSDK } from '../../src/index.js';

const env = process.env;
const px = ProxmoxSDK.sync({
  host: env.SCAN_HOST!,
  fingerprint: env.SCAN_FINGERPRINT!,
  user: env.SCAN_USER!,
  password: env.SCAN_PASSWORD!,
});
try {
  px.nodes.get();
  process.stdout.write('{"unexpected":"success"}\n');
} catch (error) {
  const e = error as Error;
  process.stdout.write(
    `${JSON.stringify({
      code: (error as { code?: string }).code,
      message: e.message,
      json: JSON.stringify(error),
      inspect: inspect(error, { showHidden: true, depth: 8 }),
      stack: e.stack,
    })}\n`,
  );
} finally {
  px.close();
}
