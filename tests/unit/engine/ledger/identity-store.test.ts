import { describe, expect, it } from 'vitest';
import { useTempLedger } from '../helpers/temp.js';

const useLedger = useTempLedger();

describe('IdentityStore', () => {
  it('maps (system, kind, external key) to a target id with its hash and run', () => {
    useLedger().identities.upsert('innergy', 'project', 'J-1', 'P-1', 'h1', 'r-1');
    expect(useLedger().identities.get('innergy', 'project', 'J-1')).toMatchObject({ system: 'innergy', kind: 'project', ext_key: 'J-1', target_id: 'P-1', content_hash: 'h1', last_run_id: 'r-1' });
    expect(useLedger().identities.get('innergy', 'material', 'J-1')).toBeUndefined();
    expect(useLedger().identities.get('openproject', 'project', 'J-1')).toBeUndefined();
  });

  it('an upsert replaces the identity of the same key', () => {
    useLedger().identities.upsert('innergy', 'project', 'J-1', 'P-1', 'h1', 'r-1');
    useLedger().identities.upsert('innergy', 'project', 'J-1', 'P-2', 'h2', 'r-2');
    expect(useLedger().identities.get('innergy', 'project', 'J-1')).toMatchObject({ target_id: 'P-2', content_hash: 'h2', last_run_id: 'r-2' });
    expect(useLedger().identities.all('innergy', 'project').size).toBe(1);
  });

  it('all() returns one kind by external key; byKey() searches every system and kind', () => {
    useLedger().identities.upsert('innergy', 'project', 'J-1', 'P-1', null, null);
    useLedger().identities.upsert('innergy', 'project', 'J-2', 'P-2', null, null);
    useLedger().identities.upsert('openproject', 'epic', 'J-1', 'WP-9', null, null);
    expect([...useLedger().identities.all('innergy', 'project').keys()].sort()).toEqual(['J-1', 'J-2']);
    expect(useLedger().identities.byKey('J-1').map((identity) => `${identity.system}/${identity.kind}=${identity.target_id}`)).toEqual(['innergy/project=P-1', 'openproject/epic=WP-9']);
  });

  it('forget removes one identity', () => {
    useLedger().identities.upsert('innergy', 'project', 'J-1', 'P-1', null, null);
    useLedger().identities.forget('innergy', 'project', 'J-1');
    expect(useLedger().identities.get('innergy', 'project', 'J-1')).toBeUndefined();
  });
});
