import { describe, expect, it } from 'vitest';
import { useTempLedger } from '../helpers/temp.js';

const useLedger = useTempLedger();

describe('CheckpointStore', () => {
  it('stores a JSON value per run and key, and overwrites it', () => {
    useLedger().checkpoints.set('full_cycle', 'r-1', 'step', { done: ['etl'] });
    expect(useLedger().checkpoints.get('r-1', 'step')).toEqual({ done: ['etl'] });
    useLedger().checkpoints.set('full_cycle', 'r-1', 'step', { done: ['etl', 'import'] });
    expect(useLedger().checkpoints.get('r-1', 'step')).toEqual({ done: ['etl', 'import'] });
    expect(useLedger().checkpoints.get('r-2', 'step')).toBeUndefined();
  });

  it('lists and clears the checkpoints of one job only', () => {
    useLedger().checkpoints.set('job_a', 'r-1', 'cursor', 10);
    useLedger().checkpoints.set('job_a', 'r-2', 'cursor', 20);
    useLedger().checkpoints.set('job_b', 'r-3', 'cursor', 30);
    expect(useLedger().checkpoints.listForJob('job_a').map((cp) => cp.value).sort()).toEqual([10, 20]);
    expect(useLedger().checkpoints.clearJob('job_a')).toBe(2);
    expect(useLedger().checkpoints.listForJob('job_a')).toEqual([]);
    expect(useLedger().checkpoints.get('r-3', 'cursor')).toBe(30);
    expect(useLedger().checkpoints.clearJob('job_a')).toBe(0);
  });
});
