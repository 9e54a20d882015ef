/**
 * explainRecord / knownSystems: what the ledger knows of a key — its identities on each system and
 * every provenance event, with the tool of the run that wrote it.
 */
import { describe, expect, it } from 'vitest';
import { explainRecord, knownSystems } from '../../../src/engine/records.js';
import { useTempLedger } from './helpers/temp.js';

const useLedger = useTempLedger();

function seed(): void {
  const ledger = useLedger();
  ledger.runs.create({ run_id: 'r-1', tool: 'run_innergy_project_import', dry_run: false, args: {}, owner_pid: process.pid, owner_host: 'h' });
  ledger.identities.upsert({ system: 'innergy', scope: 'https://innergy.example', kind: 'project' }, 'J-1', 'P-1', 'hash-1', 'r-1');
  ledger.identities.upsert({ system: 'openproject', scope: 'https://op.example', kind: 'work_package' }, 'J-1', 'WP-9', null, null);
  ledger.provenance.record({ run_id: 'r-1', system: 'innergy', kind: 'project', item_key: 'J-1', action: 'created', target_id: 'P-1', source_file: 'projects.csv', source_line: 4, content_hash: 'hash-1' });
  ledger.provenance.record({ run_id: 'r-gone', system: 'wpr', kind: 'line', item_key: 'J-1', action: 'ingested', source_sheet: 'Orders', source_line: 7 });
}

describe('explainRecord', () => {
  it('lists the identities and every event of a key, each event with its run, tool and source', () => {
    seed();
    const answer = explainRecord(useLedger(), 'J-1');
    expect(answer.key).toBe('J-1');
    expect(answer.found).toBe(true);
    expect(answer.identities).toEqual([
      expect.objectContaining({ system: 'innergy', kind: 'project', target_id: 'P-1', content_hash: 'hash-1', last_run_id: 'r-1' }),
      expect.objectContaining({ system: 'openproject', kind: 'work_package', target_id: 'WP-9', content_hash: null, last_run_id: null }),
    ]);
    expect(Object.keys(answer.identities[0]!).sort()).toEqual(['content_hash', 'kind', 'last_run_id', 'system', 'target_id', 'updated_at']);
    expect(answer.events).toEqual([
      { run_id: 'r-1', tool: 'run_innergy_project_import', system: 'innergy', kind: 'project', action: 'created', target_id: 'P-1', source: { file: 'projects.csv', sheet: null, line: 4 }, content_hash: 'hash-1', at: expect.stringMatching(/^\d{4}-/) },
      { run_id: 'r-gone', tool: null, system: 'wpr', kind: 'line', action: 'ingested', target_id: null, source: { file: null, sheet: 'Orders', line: 7 }, content_hash: null, at: expect.stringMatching(/^\d{4}-/) },
    ]);
  });

  it('narrows identities and events to one system when asked', () => {
    seed();
    const answer = explainRecord(useLedger(), 'J-1', 'wpr');
    expect(answer.identities).toEqual([]);
    expect(answer.events.map((e) => e.system)).toEqual(['wpr']);
    expect(answer.found).toBe(true);
    const innergy = explainRecord(useLedger(), 'J-1', 'innergy');
    expect(innergy.identities.map((i) => i.system)).toEqual(['innergy']);
    expect(innergy.events.map((e) => e.run_id)).toEqual(['r-1']);
  });

  it('is found when only an identity or only an event exists, and not found otherwise', () => {
    seed();
    expect(explainRecord(useLedger(), 'J-1', 'openproject')).toMatchObject({ found: true, events: [] });
    expect(explainRecord(useLedger(), 'J-404')).toEqual({ key: 'J-404', found: false, identities: [], events: [] });
  });
});

describe('knownSystems', () => {
  it('lists each system with identities or events once, sorted', () => {
    expect(knownSystems(useLedger())).toEqual([]);
    seed();
    expect(knownSystems(useLedger())).toEqual(['innergy', 'openproject', 'wpr']);
  });
});
