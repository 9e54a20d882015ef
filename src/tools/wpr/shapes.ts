/** Output pieces shared by the WPR tools. */
import { z } from 'zod';

export const apiShape = z
  .object({
    requests: z.number().describe('HTTP requests sent to OpenProject (retries included).'),
    by_method: z.record(z.string(), z.number()).describe('Requests per HTTP method.'),
    retries: z.number().describe('Requests that were retries.'),
    rate_limited: z.number().describe('429 answers received.'),
  })
  .describe('What this run asked of the OpenProject API.');

export const failureSamplesShape = z
  .array(z.object({ key: z.string().describe('Epic key (<Order ID>@<project>), line key, or #id.'), error: z.string().describe('Why it failed, with OpenProject\'s own messages.') }))
  .describe('Work packages that failed or were skipped (at most 20).');

const kindCounts = z
  .object({
    created: z.number().describe('Created (dry run: to create).'),
    updated: z.number().describe('Updated (dry run: to update).'),
    unchanged: z.number().describe('Already up to date (no write).'),
    failed: z.number().describe('Failed or skipped (values that do not fit).'),
  })
  .describe('Counts of one kind of work package.');

/** Result keys of wpr_delta_apply and wpr_backfill (DESIGN §6). */
export const applyResultShape = {
  batch_id: z.string().describe('The batch applied.'),
  registry: z.string().describe('The product → project registry file used.'),
  orders: z.number().describe('Orders in the batch.'),
  orders_changed: z.number().describe('Orders processed: content changed since last applied, never applied, forced, or (backfill, ignore_cached_identity) all.'),
  created: z.number().describe('Work packages created, epics and stories (dry run: to create).'),
  updated: z.number().describe('Work packages updated (dry run: to update).'),
  unchanged: z.number().describe('Work packages of processed orders already up to date.'),
  failures: z.number().describe('Work packages that failed or cannot be written (should be 0); see failure_samples.'),
  warnings: z.number().describe('Warnings: one per unmapped product, plus duplicates found and unknown forced orders.'),
  reconciled: z.number().describe('Creates whose response was lost and that were found by their WPR key instead of created twice.'),
  epics: kindCounts,
  stories: kindCounts,
  per_product: z
    .record(
      z.string(),
      z.object({
        project: z.string().nullable().describe('OpenProject project identifier; null for a product not in the registry (skipped).'),
        orders: z.number().describe('Orders of the product in the batch.'),
        orders_changed: z.number().describe('Orders processed.'),
        created: z.number().describe('Work packages created.'),
        updated: z.number().describe('Work packages updated.'),
        failures: z.number().describe('Work packages failed.'),
      }),
    )
    .describe('Counts per product (at most 100 products, the largest first).'),
  unmapped_products: z
    .array(z.object({ product: z.string().describe('Product name as in the workbook.'), orders: z.number().describe('Orders skipped.'), lines: z.number().describe('Lines skipped.') }))
    .describe('Products missing from the registry: their orders were skipped (at most 100).'),
  order_lines: z.array(z.string()).describe('One line per processed order, "[3/5] order WPO00182556: epics=1, stories=3" (at most 50; the report has all).'),
  failure_samples: failureSamplesShape,
  warning_messages: z.array(z.string()).describe('Warnings (at most 20, then a count of the rest).'),
  api: apiShape,
};

/** Result keys of wpr_cleanup_duplicates (DESIGN §6). */
export const cleanupResultShape = {
  projects: z.array(z.string()).describe('Projects scanned.'),
  groups: z.number().describe('Groups of duplicates found.'),
  duplicates: z.number().describe('Duplicates to delete (dry run) or found (apply).'),
  kept: z
    .array(
      z.object({
        role: z.string().describe('epic or story.'),
        project: z.string().describe('Project identifier.'),
        key: z.string().describe('What the group shares: order id, line key, or a subject under a parent.'),
        basis: z.string().describe('WPR Order ID, WPR Line Key, or subject under the same parent.'),
        kept_id: z.string().describe('The work package kept (the newest, highest id).'),
        duplicate_ids: z.array(z.string()).describe('The duplicates (deleted after their children were moved).'),
      }),
    )
    .describe('Every group (at most 50).'),
  deleted: z
    .array(z.object({ id: z.string().describe('Work package id.'), role: z.string().describe('epic or story.'), project: z.string().describe('Project identifier.'), key: z.string().describe('Group key.'), kept_id: z.string().describe('The kept duplicate.') }))
    .describe('Duplicates deleted (dry run: to delete), at most 50.'),
  reparented: z.number().describe('Child work packages moved from a duplicate to the kept one before the delete.'),
  failures: z.number().describe('Moves or deletes that failed (a duplicate whose children could not be moved is not deleted).'),
  failure_samples: failureSamplesShape,
  api: apiShape,
};
