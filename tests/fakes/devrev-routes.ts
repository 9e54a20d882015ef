/**
 * The routes of the fake DevRev (see `devrev.ts` for the contract): works, groups, members, the
 * caller, and the aggregated schema of issues.
 */
import type { DevRevContext } from './devrev.js';
import { devrevError, page, refersTo, userSummary, type DevRevIssue } from './devrev-model.js';
import type { RouteDefinition } from './fake-http.js';
import type { FakeRequest, FakeResponse, HandlerContext } from './types.js';

type Body = Record<string, unknown>;

function bodyOf(req: FakeRequest): Body | undefined {
  return typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Body) : req.rawBody.trim() === '' ? {} : undefined;
}

function badRequest(ctx: HandlerContext, message: string, type = 'bad_request', extra: Body = {}): FakeResponse {
  return ctx.json(400, devrevError(type, message, extra));
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : [];
}

/** The works a `works.list` body selects, in id order. */
function selectWorks(context: DevRevContext, body: Body): DevRevIssue[] | string {
  const types = stringList(body.type);
  if (types && types.length === 0) return 'type must be an array of work types.';
  const creators = stringList(body.created_by);
  const custom = body.custom_fields;
  if (custom !== undefined && (typeof custom !== 'object' || custom === null || Array.isArray(custom))) return 'custom_fields must be an object.';
  return context.state.issues.filter((issue) => {
    if (types && !types.includes(issue.type)) return false;
    if (creators && !creators.some((c) => refersTo(c, issue.created_by))) return false;
    for (const [field, values] of Object.entries((custom ?? {}) as Body)) {
      const wanted = Array.isArray(values) ? values : [values];
      if (!wanted.includes(issue.custom_fields[field])) return false;
    }
    return true;
  });
}

function update(context: DevRevContext, req: FakeRequest, ctx: HandlerContext): FakeResponse {
  const body = bodyOf(req);
  if (!body) return badRequest(ctx, 'The request body must be a JSON object.');
  const token = context.tokenOf(req);
  if (token && context.readOnlyTokens.has(token)) {
    return ctx.json(403, devrevError('forbidden', 'The caller is not authorized to update this work.'));
  }
  if (typeof body.id !== 'string') return badRequest(ctx, 'id is required.', 'missing_required_field', { field_name: 'id' });
  const issue = context.state.issues.find((i) => refersTo(body.id, i));
  if (!issue) return ctx.json(404, devrevError('not_found', `Work ${body.id} was not found.`));
  if (body.type !== undefined && body.type !== issue.type) {
    return badRequest(ctx, `The work is of type ${issue.type}, not ${String(body.type)}.`, 'invalid_field', { field_name: 'type' });
  }
  const fields = body.custom_fields;
  const spec = body.custom_schema_spec as Body | undefined;
  const changes: Array<[string, unknown]> = [];
  if (fields !== undefined) {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return badRequest(ctx, 'custom_fields must be an object.', 'unexpected_json_type', { field_name: 'custom_fields' });
    for (const [name, value] of Object.entries(fields as Body)) {
      if (!name.startsWith('tnt__')) return badRequest(ctx, `Custom field ${name} is not defined for issues.`, 'invalid_field', { field_name: name });
      if (spec?.tenant_fragment !== true) {
        return badRequest(ctx, `The schema of custom field ${name} must be specified: send custom_schema_spec {tenant_fragment: true}.`);
      }
      if (!context.tenantFields.has(name)) return badRequest(ctx, `Custom field ${name} is not defined in the tenant fragment of issues.`, 'invalid_field', { field_name: name });
      if (value !== null && typeof value !== 'string') return badRequest(ctx, `Custom field ${name} takes text.`, 'unexpected_json_type', { field_name: name });
      changes.push([name, value]);
    }
  }
  let changed = false;
  for (const [name, value] of changes) {
    if (issue.custom_fields[name] === (value ?? undefined)) continue;
    if (value === null) delete issue.custom_fields[name];
    else issue.custom_fields[name] = value;
    changed = true;
  }
  const key = issue.display_id;
  context.state.updateCounts[key] = (context.state.updateCounts[key] ?? 0) + 1;
  if (changed) {
    context.state.changeCounts[key] = (context.state.changeCounts[key] ?? 0) + 1;
    issue.modified_date = new Date().toISOString();
  }
  return ctx.json(200, { work: issue });
}

/** The route table of the fake DevRev. */
export function devrevRoutes(context: DevRevContext): RouteDefinition[] {
  const paging = () => ({ defaultLimit: 50, maxLimit: context.maxPageSize });
  return [
    {
      method: 'POST',
      path: '/works.list',
      handler: (req, ctx) => {
        const body = bodyOf(req);
        if (!body) return badRequest(ctx, 'The request body must be a JSON object.');
        const works = selectWorks(context, body);
        if (typeof works === 'string') return badRequest(ctx, works);
        const result = page(works, body, paging());
        if ('error' in result) return badRequest(ctx, result.error);
        return ctx.json(200, { works: result.items, ...(result.next_cursor ? { next_cursor: result.next_cursor } : {}) });
      },
    },
    {
      method: 'POST',
      path: '/works.get',
      handler: (req, ctx) => {
        const body = bodyOf(req);
        if (!body || typeof body.id !== 'string') return badRequest(ctx, 'id is required.', 'missing_required_field', { field_name: 'id' });
        const issue = context.state.issues.find((i) => refersTo(body.id, i));
        return issue ? ctx.json(200, { work: issue }) : ctx.json(404, devrevError('not_found', `Work ${body.id} was not found.`));
      },
    },
    { method: 'POST', path: '/works.update', handler: (req, ctx) => update(context, req, ctx) },
    {
      method: 'POST',
      path: '/groups.list',
      handler: (req, ctx) => {
        const body = bodyOf(req);
        if (!body) return badRequest(ctx, 'The request body must be a JSON object.');
        const groups = context.state.groups.filter((g) => body.is_default === undefined || g.is_default === body.is_default);
        const result = page(groups, body, paging());
        if ('error' in result) return badRequest(ctx, result.error);
        const items = result.items.map(({ members: _members, ...group }) => group);
        return ctx.json(200, { groups: items, ...(result.next_cursor ? { next_cursor: result.next_cursor } : {}) });
      },
    },
    {
      method: 'POST',
      path: '/groups.members.list',
      handler: (req, ctx) => {
        const body = bodyOf(req);
        if (!body || typeof body.group !== 'string') return badRequest(ctx, 'group is required.', 'missing_required_field', { field_name: 'group' });
        const group = context.state.groups.find((g) => refersTo(body.group, g));
        if (!group) return ctx.json(404, devrevError('not_found', `Group ${body.group} was not found.`));
        const members = group.members.map((don) => ({ member: userSummary(Number(don.split('/').pop()), context.users) }));
        const result = page(members, body, paging());
        if ('error' in result) return badRequest(ctx, result.error);
        return ctx.json(200, { members: result.items, ...(result.next_cursor ? { next_cursor: result.next_cursor } : {}) });
      },
    },
    {
      method: 'POST',
      path: '/dev-users.self',
      handler: (_req, ctx) => {
        const user = userSummary(context.selfUser, context.users);
        return ctx.json(200, { dev_user: { ...user, email: 'backfill@example.com', state: 'active' } });
      },
    },
    {
      method: 'POST',
      path: '/schemas.aggregated.get',
      handler: (req, ctx) => {
        const body = bodyOf(req);
        if (!body || typeof body.leaf_type !== 'string') return badRequest(ctx, 'leaf_type is required.', 'missing_required_field', { field_name: 'leaf_type' });
        const fields = body.leaf_type === 'issue' ? [...context.tenantFields].map((name) => ({ name, field_type: 'text', is_filterable: true, ui: { display_name: name.replace(/^tnt__/, '') } })) : [];
        return ctx.json(200, { schema: { leaf_type: body.leaf_type, custom_fields: fields } });
      },
    },
  ];
}
