/**
 * Duplicate detection with bounded memory. Each record is reduced to a 64-bit hash of its key (job
 * number, SKU, …) and the 32-bit fingerprint of its values computed by the CSV reader, kept with
 * the record's line in an open-addressing table of typed arrays: 16 bytes per slot, at most half
 * the slots used — about 32 MB for a million records, whatever their size.
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

const STRIDE = 4; // key hi, key lo, content fingerprint, first line

/** Remembers (key hash → content fingerprint, first line) for every record seen. */
export class DuplicateIndex {
  private table: Int32Array;
  private mask: number;
  private used = 0;
  /** Line of the first record with the key, after check() returned 'duplicate' or 'conflict'. */
  firstLine = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.table = new Int32Array(capacity * STRIDE);
    this.mask = capacity - 1;
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
    const keyLo = lastLo | 1; // (0, 0) marks an empty slot
    const table = this.table;
    let slot = (keyHi ^ Math.imul(keyLo, 0x27d4eb2d)) & this.mask;
    for (;;) {
      const at = slot * STRIDE;
      const hi = table[at]!;
      const lo = table[at + 1]!;
      if (hi === 0 && lo === 0) break;
      if (hi === keyHi && lo === keyLo) {
        this.firstLine = table[at + 3]!;
        return table[at + 2] === fingerprint ? 'duplicate' : 'conflict';
      }
      slot = (slot + 1) & this.mask;
    }
    const at = slot * STRIDE;
    table[at] = keyHi;
    table[at + 1] = keyLo;
    table[at + 2] = fingerprint;
    table[at + 3] = line;
    this.used++;
    if (this.used * 2 > this.mask + 1) this.grow();
    return 'new';
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    const table = new Int32Array(capacity * STRIDE);
    this.table = table;
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += STRIDE) {
      const hi = old[at]!;
      const lo = old[at + 1]!;
      if (hi === 0 && lo === 0) continue;
      let slot = (hi ^ Math.imul(lo, 0x27d4eb2d)) & this.mask;
      while (table[slot * STRIDE] !== 0 || table[slot * STRIDE + 1] !== 0) slot = (slot + 1) & this.mask;
      const to = slot * STRIDE; // four stores: a subarray per slot would allocate
      table[to] = hi;
      table[to + 1] = lo;
      table[to + 2] = old[at + 2]!;
      table[to + 3] = old[at + 3]!;
    }
  }
}
