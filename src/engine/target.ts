/**
 * The Target contract: what the engine needs from a system it writes records to (INNERGY,
 * OpenProject, DevRev…). A target is one kind of record on one instance of a system; it can check
 * its connection, find records by their external keys in bulk, and create, update and (optionally)
 * delete them. The engine never sees HTTP: adapters in `targets/<system>/` implement this over
 * their clients and are handed to runs by the target registry.
 *
 * Rules every adapter follows:
 * - `lookup` is a bulk read (paged), never one request per key; it is also how the engine resolves
 *   a create whose response was lost (the target, not the ledger, is the source of truth).
 * - `create` is not retried blindly by the HTTP layer; `update` and `delete` are idempotent.
 * - `delete` of a record that is already gone resolves normally (it counts as done).
 * - Errors are MigrationErrors that say whether they stop the run (`stopsRun`) and, for writes,
 *   whether the target may have applied the request (`outcome`).
 */

/** Where a record came from, for provenance (`explain_record`). */
export interface SourceRef {
  file?: string | null;
  sheet?: string | null;
  line?: number | null;
}

/** One thing a connection check verified (URL, credentials, a permission). */
export interface CheckFinding {
  /** What was checked: `url`, `credentials`, `permissions`, or a target-specific name. */
  check: string;
  ok: boolean;
  /** What was found, or what is wrong and how to fix it. */
  detail: string;
}

/** The outcome of a connection check: ok when every finding is. */
export interface TargetCheck {
  ok: boolean;
  findings: CheckFinding[];
}

/** Per-write options: cancellation, and the target id of the record's parent when it has one. */
export interface WriteOptions {
  signal: AbortSignal;
  /** Target id of the parent record (resolved by the engine from an earlier apply phase). */
  parentId?: string | undefined;
}

/** One kind of record on one instance of a target system. */
export interface Target<P> {
  /** The system written to, e.g. `innergy`, `openproject`, `devrev`. */
  readonly system: string;
  /** The kind of record, e.g. `project`, `material`, `epic`, `story`, `issue`. */
  readonly kind: string;
  /**
   * Which instance of the system (its origin, or a tenant/org id). Identities are kept per scope,
   * so two INNERGY tenants sharing one state dir never share ids.
   */
  readonly scope: string;
  /** Verifies URL, credentials and the permissions this target needs; never writes. */
  check(signal: AbortSignal): Promise<TargetCheck>;
  /** Finds records by external key (one bulk read); returns key → target id for those found. */
  lookup(keys: ReadonlySet<string>, signal: AbortSignal): Promise<Map<string, string>>;
  /** Creates a record and resolves its target id. */
  create(payload: P, options: WriteOptions): Promise<string>;
  /**
   * Updates a record (idempotent). Resolves with a new target id when the record was gone (its id
   * stale, e.g. deleted by hand) and the adapter found it again by key or created it anew; the
   * engine then records that id and gives it to the record's children.
   */
  update(targetId: string, payload: P, options: WriteOptions): Promise<void | string>;
  /** Deletes a record (idempotent: resolves when it is already gone). */
  delete?(targetId: string, options: WriteOptions): Promise<void>;
}

/** The identity scope of an HTTP target: the origin of its base URL (`https://host:port`). */
export function originScope(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}
