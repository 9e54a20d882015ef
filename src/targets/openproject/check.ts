/**
 * The OpenProject connection check (read-only): the URL answers as the API v3 root, the key is
 * accepted and whose it is, and in each registered project the key's user may add work packages.
 * With the data's needs it also resolves types, custom fields and options (the preflight), so an
 * operator sees every configuration problem before a dry run. Findings say what to fix; only
 * bugs and cancellation throw.
 */
import { CancelledError, MigrationError } from '../../engine/errors.js';
import type { CheckFinding, TargetCheck } from '../../engine/target.js';
import { HttpAuthError, NetworkError, NonJsonResponseError } from '../../http/index.js';
import type { OpenProjectClient } from './client.js';
import { inspectProjects, type PreflightOptions } from './preflight.js';

function failure(error: unknown): string {
  if (error instanceof CancelledError || !(error instanceof MigrationError)) throw error;
  return `${error.message} ${error.action}`;
}

/** Checks URL, key and per-project permissions; with `inspect`, also types, custom fields and options. */
export async function checkConnection(
  client: OpenProjectClient,
  projects: readonly string[],
  signal?: AbortSignal,
  inspect?: Omit<PreflightOptions, 'client' | 'signal'>,
): Promise<TargetCheck> {
  const findings: CheckFinding[] = [];
  const done = () => ({ ok: findings.every((finding) => finding.ok), findings });

  try {
    const root = await client.root(signal);
    const name = typeof root.instanceName === 'string' ? ` ("${root.instanceName}")` : '';
    findings.push(
      root._type === 'Root'
        ? { check: 'url', ok: true, detail: `${client.baseUrl} answers as the OpenProject API v3${name}.` }
        : { check: 'url', ok: false, detail: `${client.baseUrl}/api/v3 answered JSON that is not the API root: set OPENPROJECT_URL to the instance URL (without /api/v3).` },
    );
  } catch (error) {
    if (error instanceof HttpAuthError) {
      findings.push({ check: 'url', ok: true, detail: `${client.baseUrl} answers as OpenProject (the API root needs authentication).` });
    } else if (error instanceof NonJsonResponseError) {
      findings.push({ check: 'url', ok: false, detail: `${client.baseUrl}/api/v3 answered with a web page, not the API: set OPENPROJECT_URL to the instance URL (e.g. https://openproject.example.com), without /api/v3.` });
      return done();
    } else if (error instanceof NetworkError) {
      findings.push({ check: 'url', ok: false, detail: failure(error) });
      return done();
    } else {
      findings.push({ check: 'url', ok: false, detail: failure(error) });
      return done();
    }
  }

  try {
    const me = await client.me(signal);
    const anonymous = me._type !== 'User' || !me.id;
    findings.push(
      anonymous
        ? { check: 'credentials', ok: false, detail: 'OpenProject treats the requests as anonymous: set OPENPROJECT_API_KEY to an API key (My account → Access tokens → API).' }
        : { check: 'credentials', ok: true, detail: `The API key belongs to ${me.name ?? me.login ?? `user #${me.id}`}.` },
    );
    if (anonymous) return done();
  } catch (error) {
    const detail = error instanceof HttpAuthError ? `OpenProject refused the API key (${error.status}): check OPENPROJECT_API_KEY (basic auth user "apikey", the key as password).` : failure(error);
    findings.push({ check: 'credentials', ok: false, detail });
    return done();
  }

  if (projects.length === 0) {
    findings.push({ check: 'permissions', ok: false, detail: 'No project is registered: add products and their project identifiers to product_project_registry.json.' });
  }
  for (const identifier of projects) {
    try {
      const project = await client.project(identifier, signal);
      if (!project) {
        findings.push({ check: `project:${identifier}`, ok: false, detail: `Project "${identifier}" does not exist, or the key's user is not a member: create it, add the user, or fix product_project_registry.json.` });
      } else if (!project._links?.createWorkPackageImmediately) {
        findings.push({ check: `project:${identifier}`, ok: false, detail: `The key's user may see project "${identifier}" but not add work packages there: give its role the "Add work packages" permission.` });
      } else {
        findings.push({ check: `project:${identifier}`, ok: true, detail: `Project "${project.name}" (#${project.id}): the key's user may add work packages.` });
      }
    } catch (error) {
      findings.push({ check: `project:${identifier}`, ok: false, detail: failure(error) });
    }
  }

  if (inspect && findings.every((finding) => finding.ok)) {
    try {
      const { setups, problems } = await inspectProjects({ ...inspect, client, signal });
      for (const problem of problems.filter((item) => item.kind !== 'project' && item.kind !== 'permission')) {
        findings.push({ check: problem.kind === 'option' ? 'options' : problem.kind === 'type' ? 'types' : 'custom_fields', ok: false, detail: problem.message });
      }
      if (problems.length === 0) {
        findings.push({ check: 'custom_fields', ok: true, detail: `Types, custom fields and list options resolved in ${setups.size} project${setups.size === 1 ? '' : 's'}.` });
      }
    } catch (error) {
      findings.push({ check: 'custom_fields', ok: false, detail: failure(error) });
    }
  }
  return done();
}
