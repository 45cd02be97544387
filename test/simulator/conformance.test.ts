/**
 * Every schema method of every product, called as root with valid parameters on a fresh
 * demo engine, answers 200 with data of the shape its `returns` declares.
 */
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../src/core/services.js';
import { walkService } from './conformance/walk.js';

describe('schema conformance', () => {
  for (const service of SERVICE_NAMES) {
    it(`${service}: every method answers 200 with the declared shape`, async () => {
      const result = await walkService(service);
      console.log(`conformance ${service}: ${result.passed}/${result.methods} methods pass`);
      expect(result.methods).toBeGreaterThan(300);
      expect(result.failures.map((f) => `${f.method} ${f.path}: ${f.problem}`)).toEqual([]);
    });
  }
});
