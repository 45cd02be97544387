/**
 * The simulator enforces its permissions (issue 9): on each product a read-only identity gets
 * 403, in the product's wording, from every method whose schema requires more than it has, and
 * no refusal from the methods its schema lets it call.
 */
import { describe, expect, it } from 'vitest';
import { walkProduct } from '../../reliability/scenarios/permission-walk.js';
import type { ServiceName } from '../../src/core/services.js';

/** Floors, so that a schema or walk that shrinks does not pass by walking nothing. */
const AT_LEAST: Record<ServiceName, { methods: number; expected403: number; allowed: number }> = {
  PVE: { methods: 600, expected403: 300, allowed: 300 },
  PBS: { methods: 300, expected403: 150, allowed: 150 },
  PMG: { methods: 300, expected403: 150, allowed: 150 },
  PDM: { methods: 300, expected403: 130, allowed: 150 },
};

describe('permission walk over each product schema', () => {
  it.each(Object.keys(AT_LEAST) as ServiceName[])(
    '%s: 403 where the schema refuses, none where it allows',
    async (service) => {
      const f = await walkProduct(service);
      expect(f.methods).toBeGreaterThan(AT_LEAST[service].methods);
      expect(f.expected403).toBeGreaterThan(AT_LEAST[service].expected403);
      expect(f.allowed).toBeGreaterThan(AT_LEAST[service].allowed);
      expect(f.notRefused).toEqual([]);
      expect(f.wrongWording).toEqual([]);
      expect(f.got403).toBe(f.expected403);
      expect(f.tokenRefused).toBe(f.tokenless);
      expect(f.grantedButRefused).toEqual([]);
      expect(f.openButRefused).toEqual([]);
      expect(f.allowedOk).toBe(f.allowed);
      expect(f.walked + f.conditional).toBe(f.methods);
    },
  );
});
