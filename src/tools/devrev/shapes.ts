/** Output pieces of the DevRev tools (the result keys of `devrev_backfill`, described for agents). */
import { z } from 'zod';

const count = (text: string) => z.number().describe(text);

/** The tool-specific result keys of devrev_backfill. */
export const backfillResultShape = {
  source: z
    .object({
      kind: z.enum(['csv', 'snowflake']).describe('Where the rows came from.'),
      file: z.string().nullable().describe('The CSV read (absolute path).'),
      query: z.string().nullable().describe('The Snowflake query.'),
      table: z.string().nullable().describe('The Snowflake table.'),
      statement: z.string().nullable().describe('The Snowflake statement handle.'),
    })
    .describe('The input.'),
  field: z.string().describe('The tenant custom field written (DEVREV_CREATOR_GROUP_FIELD).'),
  validate_only: z.boolean().describe('True when only the input was checked (no API call).'),
  rows: count('Rows read (blank lines excluded).'),
  valid: count('Rows that passed validation.'),
  invalid: count('Rows refused (each in invalid_samples / the rejects file with its line and reason).'),
  duplicates: count('Rows repeating an earlier row for the same issue (skipped).'),
  processed: count('Rows planned (dry run) or gone through finished batches (apply).'),
  updated: count('Issues updated (dry run: to update).'),
  unchanged: count('Issues already holding their creator group (no write).'),
  skipped: count('Rows not written, with reasons in items[]: no group found, issue not in DevRev, a different group already set, duplicates.'),
  failed: count('Updates that failed (see failures).'),
  checkpoint: z
    .object({
      run_id: z.string().describe('The run the checkpoint belongs to.'),
      batch: count('Batches finished.'),
      batches: count('Batches in all.'),
      last_line: count('Line (CSV) or result row (Snowflake) of the last row of the last finished batch.'),
      rows_done: count('Rows in finished batches.'),
      input_key: z.string().describe('Key of the input (source + content hash).'),
      resumed_from: z.object({ batch: count('Batch reached before.'), last_line: count('Line reached before.') }).nullable().describe('Where the previous attempt had stopped, when this one resumed it.'),
    })
    .nullable()
    .describe('Where the apply stands (null for dry runs); resume: true continues from here.'),
  invalid_samples: z.array(z.object({ file: z.string().describe('Source file (or snowflake:<handle>).'), line: count('Line or result row.'), reason: z.string().describe('Why it was refused.') })).describe('Up to 20 invalid rows.'),
  batches: z
    .array(z.object({ batch: count('1-based batch number.'), rows: count('Rows.'), updated: count('Updates done.'), failed: count('Updates failed.'), duration_ms: count('Duration.'), last_line: count('Last row line.') }))
    .describe('Per-batch timings (the 50 most recent batches).'),
  batch_timing: z
    .object({ batches: count('Batches.'), total_ms: count('Sum of durations.'), avg_ms: count('Mean duration.'), max_ms: count('Longest.'), slowest_batch: count('Which batch.') })
    .nullable()
    .describe('Batch durations summed up (null for dry runs).'),
  groups: z
    .object({
      from_row: count("Rows whose creator_group was given in the row."),
      from_mapping: count('Rows resolved by the group_mapping file.'),
      from_devrev: count("Rows resolved from the creator's DevRev groups."),
      needs_devrev: count('validate_only: rows that need the DevRev groups.'),
      unresolved: count('Rows no source could resolve (skipped).'),
      multi_group_users: count('Creators in several DevRev groups (the rule picked one; see warnings).'),
      devrev_groups: z.number().nullable().describe('Non-default DevRev groups read (null when not read).'),
    })
    .describe('How creator groups were resolved.'),
  creator_mismatch: count("Rows naming a creator who is not the issue's creator in DevRev."),
  items: z
    .array(
      z.object({
        issue_id: z.string().describe('Issue id as keyed (ISS-123 or DON).'),
        action: z.string().describe('update, unchanged, skip or failed.'),
        devrev_id: z.string().nullable().describe('DevRev id of the issue.'),
        value: z.string().nullable().describe('Creator group to hold.'),
        line: z.number().nullable().describe('Source line.'),
        reason: z.string().optional().describe('Why (skips, failures).'),
      }),
    )
    .describe('Up to 20 rows, failures and skips first.'),
  failures: z.array(z.object({ key: z.string().describe('Issue id.'), error: z.string().describe('Why it failed.') })).describe('Failed updates (at most 20).'),
  alerts: z
    .array(
      z.object({
        kind: z.string().describe('error_rate, slow_batch or api_errors.'),
        tool: z.string().describe('Tool.'),
        run_id: z.string().describe('Run.'),
        message: z.string().describe('What crossed the threshold.'),
        value: z.number().describe('Measured value.'),
        threshold: z.number().describe('Threshold crossed.'),
        at: z.string().describe('When.'),
        deliveries: z.array(z.object({ channel: z.string().describe('log, slack or email.'), ok: z.boolean().describe('Delivered.'), error: z.string().optional().describe('Why not.') })).describe('Where it went.'),
      }),
    )
    .describe('Alerts raised (ALERT_ERROR_RATE, ALERT_BATCH_SECONDS, ALERT_API_ERRORS).'),
  warnings: z.array(z.string()).describe('Warnings (at most 50).'),
  outputs: z.object({ rejects: z.string().nullable().describe('Rejects CSV (file,line,reason,raw), when a row was invalid.') }).describe('Files written.'),
  timings: z.object({ read_ms: count('Reading the input.'), plan_ms: count('Reading DevRev and planning.'), apply_ms: count('Applying.') }).describe('Where the time went (profiling).'),
  rate_limit: z.object({ limit: count('Window size.'), remaining: count('Requests left.'), reset_at: z.string().describe('Window reset.') }).nullable().describe("DevRev's rate-limit window at the end of the run."),
  api: z
    .object({ requests: count('Requests sent.'), by_method: z.record(z.string(), z.number()).describe('Per method.'), retries: count('Retries.'), rate_limited: count('429 answers.') })
    .nullable()
    .describe('What the run asked of the DevRev API (null for validate_only).'),
};
