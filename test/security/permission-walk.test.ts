/**
 * The simulator enforces its permissions (issue 9): a privilege-separated token with only
 * the read-only auditor role gets 403 from every PVE method whose schema requires a
 * privilege it lacks, and no 403 from the methods its role is granted.
 */
import { describe, expect, it } from 'vitest';
import { runPermissionWalk } from '../../reliability/scenarios/permission-walk.js';

describe('permission walk over the PVE schema', () => {
  it('403 on every method that needs more than auditing, none where auditing suffices', async () => {
    const f = await runPermissionWalk();
    expect(f.methods).toBeGreaterThan(600);
    expect(f.walked).toBeGreaterThan(300);
    expect(f.other).toEqual([]);
    expect(f.status403 + f.status401NoTokens).toBe(f.walked);
    expect(f.grantedButRefused).toEqual([]);
  });
});
