/**
 * The API routes of the fake OpenProject (see `openproject.ts` for the contract).
 */
import type { FakeRequest, HandlerContext, RouteDefinition } from './fake-http.js';
import {
  deleteCascade,
  findProject,
  opError,
  renderProject,
  renderSchema,
  renderType,
  renderWorkPackage,
  violationBody,
  type FakeOpenProjectState,
  type FakeProject,
  type FakeWorkPackage,
} from './openproject-model.js';
import { InvalidQuery, queryWorkPackages } from './openproject-query.js';
import { readWrite } from './openproject-writes.js';

const notFound = (ctx: HandlerContext, what = 'The requested resource could not be found.') => ctx.json(404, opError('NotFound', what));

function needsJson(req: FakeRequest, ctx: HandlerContext) {
  if (!String(req.headers['content-type'] ?? '').includes('json')) return ctx.json(415, opError('TypeNotSupported', 'Expected CONTENT-TYPE to be application/json.'));
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) return ctx.json(400, opError('InvalidRequestBody', 'The request body was not a single JSON object.'));
  return undefined;
}

/** The route table over a state (read through `state()` so a reset swaps it). */
export function openProjectRoutes(state: () => FakeOpenProjectState, paging: { maxPageSize: number; defaultPageSize: number }): RouteDefinition[] {
  const collection = (req: FakeRequest, ctx: HandlerContext, projectId?: number) => {
    try {
      const page = queryWorkPackages(state(), req.query, { ...paging, ...(projectId === undefined ? {} : { projectId }) });
      return ctx.json(200, {
        _type: 'WorkPackageCollection',
        total: page.total,
        count: page.count,
        pageSize: page.pageSize,
        offset: page.offset,
        _embedded: { elements: page.elements.map((wp) => renderWorkPackage(state(), wp)) },
        _links: { self: { href: req.path } },
      });
    } catch (error) {
      if (error instanceof InvalidQuery) return ctx.json(400, opError('InvalidQuery', error.message));
      throw error;
    }
  };

  const create = (req: FakeRequest, ctx: HandlerContext, project: FakeProject | undefined) => {
    if (!project) return notFound(ctx, 'The specified project does not exist.');
    if (!project.canAdd) return ctx.json(403, opError('MissingPermission', 'You are not allowed to add work packages to this project.'));
    const reading = readWrite(state(), project, req.body as Record<string, unknown>, undefined);
    if (!reading.ok) return ctx.json(422, violationBody(reading.violations));
    const s = state();
    const now = new Date().toISOString();
    const { custom, ...changes } = reading.changes;
    const wp: FakeWorkPackage = {
      id: ++s.nextIds.workPackage,
      projectId: project.id,
      typeId: changes.typeId ?? project.types[0]!,
      statusId: s.statuses[0]!.id,
      subject: changes.subject ?? '',
      description: changes.description ?? '',
      parentId: changes.parentId ?? null,
      lockVersion: 0,
      custom,
      createdAt: now,
      updatedAt: now,
    };
    s.workPackages.set(wp.id, wp);
    if (req.query.get('notify') !== 'false') s.notificationsSent += 1;
    return ctx.json(201, renderWorkPackage(s, wp));
  };

  const workPackage = (req: FakeRequest) => state().workPackages.get(Number(req.params.id));

  return [
    { method: 'GET', path: '/api/v3', handler: (_req, ctx) => ctx.json(200, { _type: 'Root', instanceName: 'Fake OpenProject', _links: { self: { href: '/api/v3' } } }) },
    { method: 'GET', path: '/api/v3/users/me', handler: (_req, ctx) => ctx.json(200, { _type: 'User', id: 1, name: 'WPR Agent', login: 'wpr-agent' }) },
    {
      method: 'GET',
      path: '/api/v3/projects/:id',
      handler: (req, ctx) => {
        const project = findProject(state(), req.params.id ?? '');
        return project ? ctx.json(200, renderProject(project)) : notFound(ctx);
      },
    },
    {
      method: 'GET',
      path: '/api/v3/projects/:id/types',
      handler: (req, ctx) => {
        const project = findProject(state(), req.params.id ?? '');
        if (!project) return notFound(ctx, 'The specified project does not exist.');
        const types = state().types.filter((t) => project.types.includes(t.id)).map(renderType);
        return ctx.json(200, { _type: 'Collection', total: types.length, count: types.length, _embedded: { elements: types } });
      },
    },
    {
      method: 'GET',
      path: '/api/v3/work_packages/schemas/:identifier',
      handler: (req, ctx) => {
        const match = /^(\d+)-(\d+)$/.exec(req.params.identifier ?? '');
        const project = match ? findProject(state(), match[1]!) : undefined;
        const typeId = match ? Number(match[2]) : NaN;
        if (!project || !project.types.includes(typeId)) return notFound(ctx, 'The specified schema does not exist.');
        return ctx.json(200, renderSchema(state(), project, typeId));
      },
    },
    {
      method: 'GET',
      path: '/api/v3/projects/:id/work_packages',
      handler: (req, ctx) => {
        const project = findProject(state(), req.params.id ?? '');
        return project ? collection(req, ctx, project.id) : notFound(ctx, 'The specified project does not exist.');
      },
    },
    { method: 'GET', path: '/api/v3/work_packages', handler: (req, ctx) => collection(req, ctx) },
    {
      method: 'POST',
      path: '/api/v3/projects/:id/work_packages',
      handler: (req, ctx) => needsJson(req, ctx) ?? create(req, ctx, findProject(state(), req.params.id ?? '')),
    },
    {
      method: 'POST',
      path: '/api/v3/work_packages',
      handler: (req, ctx) => {
        const invalid = needsJson(req, ctx);
        if (invalid) return invalid;
        const href = ((req.body as { _links?: { project?: { href?: unknown } } })._links?.project?.href ?? '') as string;
        const match = /^\/api\/v3\/(?:projects|workspaces)\/([^/]+)$/.exec(href);
        if (!match) return ctx.json(422, violationBody([{ attribute: 'project', message: "Project can't be blank." }]));
        return create(req, ctx, findProject(state(), match[1]!));
      },
    },
    {
      method: 'GET',
      path: '/api/v3/work_packages/:id',
      handler: (req, ctx) => {
        const wp = workPackage(req);
        return wp ? ctx.json(200, renderWorkPackage(state(), wp)) : notFound(ctx, 'The specified work package does not exist.');
      },
    },
    {
      method: 'PATCH',
      path: '/api/v3/work_packages/:id',
      handler: (req, ctx) => {
        const invalid = needsJson(req, ctx);
        if (invalid) return invalid;
        const wp = workPackage(req);
        if (!wp) return notFound(ctx, 'The specified work package does not exist.');
        const body = req.body as Record<string, unknown>;
        if (body.lockVersion !== wp.lockVersion) {
          return ctx.json(409, opError('UpdateConflict', 'Your changes could not be saved, because the resource was changed in the meantime. Please reload and try again.'));
        }
        const project = state().projects.find((p) => p.id === wp.projectId)!;
        const reading = readWrite(state(), project, body, wp);
        if (!reading.ok) return ctx.json(422, violationBody(reading.violations));
        const { custom, ...changes } = reading.changes;
        Object.assign(wp, changes, { custom: { ...wp.custom, ...custom }, lockVersion: wp.lockVersion + 1, updatedAt: new Date().toISOString() });
        if (req.query.get('notify') !== 'false') state().notificationsSent += 1;
        return ctx.json(200, renderWorkPackage(state(), wp));
      },
    },
    {
      method: 'DELETE',
      path: '/api/v3/work_packages/:id',
      handler: (req, ctx) => {
        const wp = workPackage(req);
        if (!wp) return notFound(ctx, 'The specified work package does not exist.');
        deleteCascade(state(), wp.id);
        return { status: 204 };
      },
    },
  ];
}
