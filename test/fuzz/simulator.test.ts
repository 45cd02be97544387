/**
 * The simulator under fuzzing (issue 9): random requests straight into `engine.handle()`.
 * It never throws or dies, answers no 5xx besides pveproxy's 501 and 506 and the 500s Proxmox
 * itself gives (state conflicts, unknown nodes, a JSON body it cannot decode: AnyEvent.pm
 * extract_params), never a JavaScript error as a 500, and
 * its guests change only through accepted creates and destroys.
 */
import { describe, expect, it } from 'vitest';
import { runSimulatorFuzz } from '../../reliability/scenarios/simulator-fuzz.js';

describe('simulator under fuzzing', () => {
  it('answers every request, keeps its state consistent and stays up', async () => {
    const f = await runSimulatorFuzz(1500, 20261123);
    expect(f.threw).toBe(0);
    expect(f.crashes).toEqual([]);
    expect(f.other5xx).toBe(0);
    expect(f.stateViolations).toEqual([]);
    expect(f.aliveAtEnd).toBe(true);
    // The run reached the handlers, not only the router.
    expect(f.byClass['2xx']).toBeGreaterThan(0);
    expect(f.byClass['4xx']).toBeGreaterThan(0);
    for (const message of Object.keys(f.status500)) {
      expect(message).toMatch(
        /does not exist|already exists|is running|hostname lookup|not running|locked|malformed JSON string|Not a HASH reference/,
      );
    }
  });
});
