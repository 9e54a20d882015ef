import { describe, expect, it } from 'vitest';
import { useTempLedger } from '../helpers/temp.js';

const useLedger = useTempLedger();

describe('ProvenanceStore', () => {
  it('records where a write came from and what it became', () => {
    useLedger().provenance.record({ run_id: 'r-1', system: 'innergy', kind: 'project', item_key: 'J-1', action: 'created', target_id: 'P-1', source_file: 'projects.csv', source_line: 4, content_hash: 'h' });
    const [event] = useLedger().provenance.forKey('J-1');
    expect(event).toMatchObject({ run_id: 'r-1', system: 'innergy', kind: 'project', item_key: 'J-1', action: 'created', target_id: 'P-1', source_file: 'projects.csv', source_sheet: null, source_line: 4, content_hash: 'h', detail: null });
    expect(event!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('returns events oldest first, narrowed by system, limited to the newest ones', () => {
    for (let i = 1; i <= 5; i += 1) useLedger().provenance.record({ run_id: `r-${i}`, system: i % 2 ? 'innergy' : 'openproject', kind: 'k', item_key: 'J-1', action: 'updated' });
    useLedger().provenance.record({ run_id: 'r-x', system: 'innergy', kind: 'k', item_key: 'J-2', action: 'created' });
    expect(useLedger().provenance.forKey('J-1').map((e) => e.run_id)).toEqual(['r-1', 'r-2', 'r-3', 'r-4', 'r-5']);
    expect(useLedger().provenance.forKey('J-1', 'innergy').map((e) => e.run_id)).toEqual(['r-1', 'r-3', 'r-5']);
    expect(useLedger().provenance.forKey('J-1', undefined, 2).map((e) => e.run_id)).toEqual(['r-4', 'r-5']);
    expect(useLedger().provenance.forKey('nothing')).toEqual([]);
  });

  it('records many events at once, and forgets the events of one run on one system', () => {
    const events = Array.from({ length: 3 }, (_, i) => ({ run_id: 'r-1', system: 'wpr', kind: 'line', item_key: `O-${i}`, action: 'ingested', source_sheet: 'S', source_line: i + 2 }));
    useLedger().provenance.recordMany(events);
    useLedger().provenance.record({ run_id: 'r-1', system: 'innergy', kind: 'k', item_key: 'O-0', action: 'created' });
    useLedger().provenance.record({ run_id: 'r-2', system: 'wpr', kind: 'line', item_key: 'O-0', action: 'ingested' });
    expect(useLedger().provenance.forKey('O-1')).toEqual([expect.objectContaining({ run_id: 'r-1', source_sheet: 'S', source_line: 3 })]);
    expect(useLedger().provenance.forgetRun('r-1', 'wpr')).toBe(3);
    expect(useLedger().provenance.forKey('O-0').map((e) => `${e.run_id}/${e.system}`)).toEqual(['r-1/innergy', 'r-2/wpr']);
  });
});
