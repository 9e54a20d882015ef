/**
 * Duplicate detection with bounded memory. Each record is reduced to a 64-bit hash of its key (job
 * number, SKU, …) and the 32-bit fingerprint of its values computed by the CSV reader, kept with
 * the record's line: about 32 bytes per record (32 MB for a million), whatever their size.
 *
 * Layout, for speed on big exports: the entries (key hash, fingerprint, first line; 16 bytes) go to
 * an append-only log, written in order; an open-addressing table of 8-byte slots (the low half of the
 * key hash as a tag, the entry's position in the log), at most half full, finds them. Every new key
 * costs one random access into the table, whose size is what decides cache and TLB misses on a
 * million rows: 8-byte slots halve it against keeping whole entries in the table (measured: the
 * 16-byte layout cost the ETL about 0.3–1 CPU-second more per million rows, the parsing worker on
 * the other core included). The log is read only when a tag matches.
 *
 * A record whose key is new is `new`; same key and same fingerprint is an exact `duplicate`
 * (written once); same key and a different fingerprint is a `conflict` (rejected). The hashes are
 * not cryptographic: two different keys colliding in 64 bits within a million records has a
 * probability around 3·10⁻⁸; fingerprints are only compared between records with the same key, so
 * a conflicting row passing for an exact duplicate is a one-in-four-billion event per repeated key.
 */

/** The last hash computed, as two 32-bit halves (module variables: no allocation per row). */
let lastHi = 0;
let lastLo = 0;

/** Hashes a sequence of strings (a separator is mixed in between, so ['ab','c'] ≠ ['a','bc']) into lastHi/lastLo. */
function hashFields(values: readonly string[], seed = 0): void {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let v = 0; v < values.length; v++) {
    const text = values[v]!;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ 0x1f, 2654435761);
    h2 = Math.imul(h2 ^ 0x1f, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  lastHi = h1 | 0;
  lastLo = h2 | 0;
}

const SINGLE: string[] = [''];

/** The 64-bit hash of a sequence of strings as [high, low] 32-bit halves (for tests and diagnostics). */
export function hash64(values: readonly string[], seed = 0): [number, number] {
  hashFields(values, seed);
  return [lastHi, lastLo];
}

/** The outcome of {@link DuplicateIndex.check}. */
export type DuplicateStatus = 'new' | 'duplicate' | 'conflict';

const KEY_SEED = 0x9e3779b9;

const ENTRY = 4; // log entry: key hi, key lo, content fingerprint, first line

/** Remembers (key hash → content fingerprint, first line) for every record seen. */
export class DuplicateIndex {
  /** Two Int32 per slot: the key hash's low half (never 0) and 1 + the entry's index in the log (0 = empty). */
  private slots: Int32Array;
  private mask: number;
  private log: Int32Array;
  private used = 0;
  /** Line of the first record with the key, after check() returned 'duplicate' or 'conflict'. */
  firstLine = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    this.log = new Int32Array((capacity / 2) * ENTRY);
  }

  /** Records seen (distinct keys). */
  get size(): number {
    return this.used;
  }

  /**
   * Looks a record up by key and content, remembering it when new.
   * @param key the record's key (e.g. the job number)
   * @param fingerprint a 32-bit hash of the record's content (CsvRecordRow.fingerprint)
   * @param line where the record starts (remembered for the first record of a key)
   */
  check(key: string, fingerprint: number, line: number): DuplicateStatus {
    SINGLE[0] = key;
    hashFields(SINGLE, KEY_SEED);
    const keyHi = lastHi;
    const keyLo = lastLo | 1; // the tag: never 0
    const slots = this.slots;
    let slot = slotOf(keyHi, keyLo, this.mask);
    for (;;) {
      const position = slots[slot * 2 + 1]!;
      if (position === 0) break;
      if (slots[slot * 2] === keyLo) {
        const at = (position - 1) * ENTRY;
        const log = this.log;
        if (log[at] === keyHi && log[at + 1] === keyLo) {
          this.firstLine = log[at + 3]!;
          return log[at + 2] === fingerprint ? 'duplicate' : 'conflict';
        }
      }
      slot = (slot + 1) & this.mask;
    }
    let log = this.log;
    const at = this.used * ENTRY;
    if (at === log.length) {
      const longer = new Int32Array(log.length * 2);
      longer.set(log);
      this.log = log = longer;
    }
    log[at] = keyHi;
    log[at + 1] = keyLo;
    log[at + 2] = fingerprint;
    log[at + 3] = line;
    slots[slot * 2] = keyLo;
    slots[slot * 2 + 1] = ++this.used;
    if (this.used * 2 > this.mask + 1) this.grow();
    return 'new';
  }

  /** Doubles the table, re-inserting every entry from the log (read in order). */
  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const slots = new Int32Array(capacity * 2);
    const mask = capacity - 1;
    const log = this.log;
    for (let i = 0; i < this.used; i++) {
      const keyLo = log[i * ENTRY + 1]!;
      let slot = slotOf(log[i * ENTRY]!, keyLo, mask);
      while (slots[slot * 2 + 1] !== 0) slot = (slot + 1) & mask;
      slots[slot * 2] = keyLo;
      slots[slot * 2 + 1] = i + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** The home slot of a key hash. */
function slotOf(keyHi: number, keyLo: number, mask: number): number {
  return (keyHi ^ Math.imul(keyLo, 0x27d4eb2d)) & mask;
}
