/**
 * The DevRev connection check (`check_devrev_connection`, the seed's `test_connection.py`,
 * `health_check.py` and `check_limits.py`): base URL, token, reading issues and groups, the tenant
 * field the backfill writes, the rate-limit window left, and — only when asked — permission to
 * update issues, proved by a `works.update` that changes nothing. Reads only, unless the probe is asked for.
 */
import { MigrationError } from '../../engine/errors.js';
import type { CheckFinding, TargetCheck } from '../../engine/target.js';
import type { DevRevClient } from './client.js';
import { isSchemaField } from './fields.js';

/** Options of {@link checkDevRevConnection}. */
export interface DevRevCheckOptions {
  /** The tenant field the backfill writes, e.g. `tnt__creator_group`. */
  field: string;
  /** Prove update permission with a `works.update` of one issue that changes nothing. @default false */
  probeUpdate?: boolean;
}

function describe(error: unknown): string {
  if (error instanceof MigrationError) return `${error.message} ${error.action}`;
  throw error; // a bug, not a finding
}

/** Runs every check in order; a failed URL or credentials check skips those that need them. */
export async function checkDevRevConnection(client: DevRevClient, options: DevRevCheckOptions, signal: AbortSignal): Promise<TargetCheck> {
  const findings: CheckFinding[] = [];
  const add = (check: string, ok: boolean, detail: string) => findings.push({ check, ok, detail });
  const attempt = async <T>(check: string, run: () => Promise<T>, detail: (value: T) => string | { ok: boolean; detail: string }) => {
    try {
      const value = await run();
      const outcome = detail(value);
      if (typeof outcome === 'string') add(check, true, outcome);
      else add(check, outcome.ok, outcome.detail);
      return value;
    } catch (error) {
      add(check, false, describe(error));
      return undefined;
    }
  };

  let self: Awaited<ReturnType<DevRevClient['self']>> | undefined;
  try {
    self = await client.self(signal);
    add('url', true, `${client.baseUrl} answers the DevRev API.`);
    add('credentials', true, `The token is accepted: it belongs to ${self.display_name ?? self.display_id ?? self.id}.`);
  } catch (error) {
    const detail = describe(error);
    if (error instanceof MigrationError && error.kind === 'auth') {
      add('url', true, `${client.baseUrl} answers the DevRev API.`);
      add('credentials', false, detail);
    } else {
      add('url', false, detail);
      add('credentials', false, 'Not checked: the base URL did not answer the DevRev API.');
    }
  }
  if (!self) return { ok: false, findings };

  const issues = await attempt('works_read', () => client.firstIssues(1, signal), (works) => (works.length ? 'Issues can be read (works.list).' : 'works.list answers, but no issue is visible to this token.'));
  await attempt('groups_read', () => client.listGroups(signal), (groups) => `${groups.length} group(s) can be read (groups.list), for creators without a creator_group.`);
  await attempt(
    'custom_field',
    () => client.issueCustomFields(signal),
    (names) =>
      names.some((name) => isSchemaField(name, options.field))
        ? `Issues carry the tenant field ${options.field}.`
        : { ok: false, detail: `Issues have no tenant field ${options.field} (found: ${names.join(', ') || 'none'}). Create it with schemas.custom.set (tenant_fragment, leaf_type issue) or set DEVREV_CREATOR_GROUP_FIELD to the right name.` },
  );

  const first = issues?.[0];
  if (!options.probeUpdate) {
    add('permissions', true, 'Update permission not probed (this check only reads); a token that may not update issues stops the first write of an apply with a 403. Pass probe_update: true to prove it now with a works.update that changes nothing.');
  } else if (!first) {
    add('permissions', false, 'No issue is visible to this token, so update permission cannot be probed.');
  } else {
    await attempt('permissions', () => client.probeUpdate(first.id, signal), () => `The token may update issues (works.update of ${first.display_id ?? first.id} with no change answered 200).`);
  }

  const window = client.http.bucket.window;
  if (window) {
    const resets = new Date(window.resetAtMs).toISOString();
    add('rate_limit', window.remaining > 0, `${window.remaining} of ${window.limit} requests left in the current DevRev window (resets at ${resets}); the client paces itself to stay inside it.`);
  } else {
    add('rate_limit', true, 'DevRev sent no X-RateLimit headers; the client-side DEVREV_RATE_LIMIT applies.');
  }
  return { ok: findings.every((finding) => finding.ok), findings };
}
