/**
 * The ACC runbook's databases, as the seed describes them, for PostgreSQL:
 *
 * - ProjectManagement (`PM_DB_URL`): `dbo.projects`, `dbo.issues_current` (every ACC and Revizto
 *   issue), `dbo.acc_issue_numbers` (UUID → ACC issue number, the mapping reference data), the view
 *   `dbo.vw_acc_issue_id_map` (mapped ACC issues only) and `dbo.vw_issues_reconciled` (display ids).
 * - Warehouse (`WAREHOUSE_DB_URL`): `dim.issue` (unique on the source key, optionally without the
 *   index or the `display_id` column) and `fact.issue_import_runs`.
 *
 * Default figures are the seed's: 3,696 mapped + 1,052 unmapped ACC issues, 8,092 Revizto issues;
 * 37 ACC rows already in `dim.issue` (4 of them with a title edited since), Revizto rows loaded by
 * the ETL, and import runs where a failed ACC run is newer than the successful one (101).
 *
 * Rows are generated inside the server with `generate_series` (deterministic: UUIDs are md5s of the
 * row number), so 100,000 rows for the benchmark take well under a second. Some titles carry tabs,
 * newlines, backslashes, quotes, a leading `=`, non-ASCII text or NULL, to exercise COPY.
 */
import type pg from 'pg';

export interface PmFixtureOptions {
  /** Mapped ACC issues (rows of the view). @default 3696 */
  mapped?: number;
  /** ACC issues with no number mapping. @default 1052 */
  unmapped?: number;
  /** Revizto issues. @default 8092 */
  revizto?: number;
  /** Number of ACC projects. @default 12 */
  projects?: number;
}

export interface WarehouseFixtureOptions {
  /** ACC rows already loaded by the ETL (the first mapped issues of project 1, then 2…). @default 37 */
  existingAcc?: number;
  /** How many of those carry an old title (so a backfill updates them). @default 4 */
  staleTitles?: number;
  /** Revizto rows already loaded by the ETL. @default 300 */
  revizto?: number;
  /** Whether `dim.issue` has a `display_id` column. @default true */
  displayIdColumn?: boolean;
  /** Whether the source key has a unique index. @default true */
  uniqueIndex?: boolean;
  /** Import runs to create. @default the seed's: a failed ACC run newer than the successful one */
  importRuns?: 'seed' | 'failed-only' | 'none';
}

export const SEED_FIGURES = { mapped: 3696, unmapped: 1052, revizto: 8092, existingAcc: 37, latestSuccessfulAccRun: 101 } as const;

/** Creates the ProjectManagement schema and its rows in the connected database. */
export async function createPmDatabase(client: pg.Client, options: PmFixtureOptions = {}): Promise<void> {
  const mapped = options.mapped ?? SEED_FIGURES.mapped;
  const unmapped = options.unmapped ?? SEED_FIGURES.unmapped;
  const revizto = options.revizto ?? SEED_FIGURES.revizto;
  const projects = options.projects ?? 12;
  const acc = mapped + unmapped;
  await client.query(`
    CREATE SCHEMA dbo;
    CREATE TABLE dbo.projects (project_id text PRIMARY KEY, project_name text NOT NULL, source_system text NOT NULL);
    CREATE TABLE dbo.issues_current (
      issue_key text PRIMARY KEY,
      source_system text NOT NULL,
      source_issue_id text NOT NULL,
      source_project_id text NOT NULL,
      title text,
      status text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE TABLE dbo.acc_issue_numbers (
      acc_issue_uuid uuid PRIMARY KEY,
      acc_issue_number integer NOT NULL,
      source_project_id text NOT NULL
    );
  `);
  // ACC project ids look like "b.<uuid>"; sizes are uneven (project p gets weight p).
  await client.query(
    `INSERT INTO dbo.projects
     SELECT 'b.' || md5('acc-project-' || p)::uuid, 'Project ' || p, 'ACC' FROM generate_series(1, $1::int) p`,
    [projects],
  );
  await client.query(
    `INSERT INTO dbo.issues_current
     SELECT 'ACC:' || md5('acc-issue-' || i)::uuid,
            'ACC',
            md5('acc-issue-' || i)::uuid::text,
            'b.' || md5('acc-project-' || (1 + (floor(sqrt(((i * 7919) % $1::int)::float8 / $1::int) * $2::int))::int))::uuid,
            ${TITLE_SQL},
            (ARRAY['open', 'answered', 'closed', 'draft'])[1 + i % 4],
            timestamptz '2024-01-01 08:00:00+00' + i * interval '37 minutes',
            timestamptz '2024-06-01 08:00:00+00' + i * interval '41 minutes'
     FROM generate_series(1, $1::int) i`,
    [acc, projects],
  );
  // Which ACC issues are mapped: a permutation of 1..acc (7919 is coprime with any seed-sized count
  // we use), so mapped and unmapped issues interleave across projects.
  await client.query(
    `INSERT INTO dbo.acc_issue_numbers
     SELECT md5('acc-issue-' || i)::uuid,
            row_number() OVER (PARTITION BY ic.source_project_id ORDER BY i),
            ic.source_project_id
     FROM generate_series(1, $1::int) i
     JOIN dbo.issues_current ic ON ic.issue_key = 'ACC:' || md5('acc-issue-' || i)::uuid
     WHERE ${MAPPED_PREDICATE}`,
    [acc, mapped],
  );
  await client.query(
    `INSERT INTO dbo.issues_current
     SELECT 'REV:' || (10000 + i), 'Revizto', (10000 + i)::text, 'rvz-' || (1 + i % 5), 'Revizto issue ' || i, 'open',
            timestamptz '2024-02-01 00:00:00+00' + i * interval '1 hour', timestamptz '2024-07-01 00:00:00+00' + i * interval '1 hour'
     FROM generate_series(1, $1::int) i`,
    [revizto],
  );
  await client.query(`
    CREATE VIEW dbo.vw_acc_issue_id_map AS
    SELECT ic.issue_key,
           n.acc_issue_number,
           n.acc_issue_uuid,
           ic.source_project_id,
           ic.title AS acc_title,
           ic.status AS acc_status,
           ic.created_at AS acc_created_at,
           ic.updated_at AS acc_updated_at
    FROM dbo.issues_current ic
    JOIN dbo.acc_issue_numbers n ON n.acc_issue_uuid::text = ic.source_issue_id
    WHERE ic.source_system = 'ACC';

    CREATE VIEW dbo.vw_issues_reconciled AS
    SELECT ic.issue_key, ic.source_system, ic.source_issue_id, ic.source_project_id, ic.title, ic.status,
           CASE
             WHEN ic.source_system = 'ACC' AND m.acc_issue_number IS NOT NULL THEN 'ACC-' || m.acc_issue_number
             WHEN ic.source_system = 'ACC' THEN 'ACC-' || upper(left(ic.source_issue_id, 8))
             ELSE 'REV-' || ic.source_issue_id
           END AS display_id
    FROM dbo.issues_current ic
    LEFT JOIN dbo.vw_acc_issue_id_map m ON m.issue_key = ic.issue_key;
    ANALYZE;
  `);
}

/** Titles with the awkward characters real exports have (tab, newline, backslash, quotes, `=`, NULL…). */
const TITLE_SQL = `CASE
  WHEN i % 71 = 0 THEN NULL
  WHEN i % 53 = 0 THEN 'Clash' || chr(9) || 'duct vs beam #' || i
  WHEN i % 59 = 0 THEN 'Multi-line' || chr(10) || 'note #' || i || chr(13) || chr(10) || 'end'
  WHEN i % 61 = 0 THEN 'Path C:\\models\\level ' || i || ' \\N'
  WHEN i % 67 = 0 THEN 'Façade – “curtain wall” ' || i || ' ✓'
  WHEN i % 73 = 0 THEN 'O''Brien''s RFI ' || i
  WHEN i % 79 = 0 THEN '=HYPERLINK("http://x") ' || i
  ELSE 'Issue ' || i || ': ' || (ARRAY['Clash at grid', 'Missing fire damper', 'Door swing', 'Ceiling height', 'Pipe slope'])[1 + i % 5] || ' L' || (i % 40)
END`;

/** Whether ACC issue `i` (1-based) has a number mapping: a permutation, so exactly `mapped` do. */
const MAPPED_PREDICATE = `((i::bigint * 7919) % $1::int) < $2::int`;

/** Creates the warehouse schema (`dim.issue`, `fact.issue_import_runs`) and the ETL's rows (read from `pm`). */
export async function createWarehouseDatabase(client: pg.Client, pm: pg.Client, options: WarehouseFixtureOptions = {}): Promise<void> {
  const existingAcc = options.existingAcc ?? SEED_FIGURES.existingAcc;
  const staleTitles = Math.min(options.staleTitles ?? 4, existingAcc);
  const revizto = options.revizto ?? 300;
  const displayId = options.displayIdColumn ?? true;
  await client.query(`
    CREATE SCHEMA dim;
    CREATE SCHEMA fact;
    CREATE TABLE fact.issue_import_runs (
      import_run_id integer PRIMARY KEY,
      source_system text NOT NULL,
      status text NOT NULL,
      created_at timestamptz NOT NULL,
      completed_at timestamptz,
      rows_loaded integer
    );
    CREATE TABLE dim.issue (
      issue_sk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      source_system text NOT NULL,
      source_issue_id text NOT NULL,
      source_project_id text NOT NULL,
      issue_bk text,
      ${displayId ? 'display_id text,' : ''}
      title text,
      import_run_id integer,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      current_flag smallint NOT NULL DEFAULT 1
    );
  `);
  if (options.uniqueIndex ?? true) {
    await client.query('CREATE UNIQUE INDEX ux_dim_issue_source_key ON dim.issue (source_system, source_issue_id, source_project_id)');
  } else {
    await client.query('CREATE INDEX ix_dim_issue_source_key ON dim.issue (source_system, source_issue_id, source_project_id)');
  }
  const runs = options.importRuns ?? 'seed';
  if (runs !== 'none') {
    await client.query(`
      INSERT INTO fact.issue_import_runs VALUES
        (100, 'ACC', 'Success', '2024-10-01 02:00+00', '2024-10-01 02:20+00', 35),
        (102, 'Revizto', 'Success', '2024-11-05 02:00+00', '2024-11-05 02:30+00', ${revizto}),
        (103, 'ACC', 'Failed', '2025-01-09 02:00+00', NULL, NULL)`);
    if (runs === 'seed') await client.query(`INSERT INTO fact.issue_import_runs VALUES (101, 'ACC', 'Success', '2024-11-04 02:00+00', '2024-11-04 02:25+00', ${existingAcc})`);
    else await client.query(`UPDATE fact.issue_import_runs SET status = 'Failed' WHERE source_system = 'ACC'`);
  }
  // The ETL's ACC rows: the first mapped issues, in project order (its "active project list").
  const { rows } = await pm.query(
    `SELECT acc_issue_uuid::text AS uuid, source_project_id, acc_issue_number, acc_title
     FROM dbo.vw_acc_issue_id_map ORDER BY source_project_id, acc_issue_number LIMIT $1`,
    [existingAcc],
  );
  const columns = `source_system, source_issue_id, source_project_id, issue_bk, ${displayId ? 'display_id, ' : ''}title, import_run_id, created_at, updated_at, current_flag`;
  for (const [index, row] of rows.entries()) {
    const title = index < staleTitles ? `(old) ${String(row.acc_title)}` : row.acc_title;
    const values = ['ACC', row.uuid, row.source_project_id, String(row.acc_issue_number), ...(displayId ? [`ACC-${row.acc_issue_number}`] : []), title, 101];
    const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
    await client.query(`INSERT INTO dim.issue (${columns}) VALUES (${placeholders}, '2024-11-04 02:25+00', '2024-11-04 02:25+00', 1)`, values);
  }
  await client.query(
    `INSERT INTO dim.issue (${columns})
     SELECT 'Revizto', (10000 + i)::text, 'rvz-' || (1 + i % 5), (10000 + i)::text, ${displayId ? `'REV-' || (10000 + i), ` : ''}'Revizto issue ' || i, 102,
            '2024-11-05 02:30+00', '2024-11-05 02:30+00', 1
     FROM generate_series(1, $1::int) i`,
    [revizto],
  );
  await client.query('ANALYZE');
}

/** Counts of `dim.issue` for assertions: ACC rows, distinct ACC keys, Revizto rows. */
export async function warehouseCounts(client: pg.Client): Promise<{ acc: number; distinctAcc: number; revizto: number; total: number }> {
  const { rows } = await client.query(`
    SELECT count(*) FILTER (WHERE source_system = 'ACC')::int AS acc,
           (SELECT count(*)::int FROM (SELECT DISTINCT source_issue_id, source_project_id FROM dim.issue WHERE source_system = 'ACC') d) AS distinct_acc,
           count(*) FILTER (WHERE source_system = 'Revizto')::int AS revizto,
           count(*)::int AS total
    FROM dim.issue`);
  const row = rows[0] as { acc: number; distinct_acc: number; revizto: number; total: number };
  return { acc: row.acc, distinctAcc: row.distinct_acc, revizto: row.revizto, total: row.total };
}
