/** Output pieces shared by the INNERGY tools. */
import { z } from 'zod';

export const apiShape = z
  .object({
    requests: z.number().describe('HTTP requests sent to INNERGY (retries included).'),
    by_method: z.record(z.string(), z.number()).describe('Requests per HTTP method.'),
    retries: z.number().describe('Requests that were retries.'),
    rate_limited: z.number().describe('429 answers received.'),
  })
  .describe('What this run asked of the INNERGY API.');

export const failuresShape = z
  .array(z.object({ key: z.string().describe('External key.'), error: z.string().describe('Why it failed.') }))
  .describe('Records whose write failed (at most 20).');

export const warningsShape = z.array(z.string()).describe('Warnings (at most 50, then a count of the rest).');
