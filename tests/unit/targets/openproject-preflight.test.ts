/** The preflight resolves projects, types, custom fields and options, and stops with ONE error naming every problem. */
import { afterEach, describe, expect, it } from 'vitest';
import { PreflightError } from '../../../src/targets/openproject/index.js';
import { startFakeOpenProject, type FakeOpenProject, type FakeOpenProjectOptions } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { noOverrides, wprTargets } from '../../helpers/openproject.js';
import { wprLine, wprOrders } from '../../helpers/wpr-lines.js';

let fake: FakeOpenProject | undefined;

async function start(options: FakeOpenProjectOptions = {}): Promise<FakeOpenProject> {
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone', 'niam'), ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function preflightError(promise: Promise<unknown>): Promise<PreflightError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(PreflightError);
  return error as PreflightError;
}

const lines = [...wprOrders(2, 2), wprLine({ order: 'WPO9', item: 1, product: 'NIAM' })];
const registry = { FlowOne: 'flowone', niam: 'niam' };

describe('preflight', () => {
  it('resolves types and every custom field by name in each project, reading only', async () => {
    const f = await start();
    const { setups } = await wprTargets(f, lines, { registry });
    expect([...setups.keys()]).toEqual(['flowone', 'niam']);
    const flowone = setups.get('flowone')!;
    expect(flowone.epic.type.name).toBe('Epic');
    expect(flowone.story.type.name).toBe('User story');
    expect([...flowone.epic.fields.keys()]).toEqual(['WPR Order ID', 'WPR Order Date', 'WPR Customer', 'WPR Product']);
    expect([...flowone.story.fields.keys()]).toEqual(['WPR Order ID', 'WPR Line Key', 'WPR Quantity', 'WPR Unit Price', 'WPR Status', 'WPR Requested Delivery']);
    expect(f.requests.entries.every((entry) => entry.method === 'GET')).toBe(true);
    expect(f.requests.count()).toBe(8);
  });

  it('names every problem in one error before any write: missing field, project, type, option, permission, required field', async () => {
    const f = await start({
      customFields: [
        ...wprCustomFields({ 'WPR Customer': { types: ['Task'] } }),
        { name: 'Cost Center', required: true, types: ['Epic'] },
      ],
      projects: [{ identifier: 'flowone', types: ['Epic', 'Task'] }, { identifier: 'niam', canAdd: false }],
    });
    const data = [...lines, wprLine({ order: 'WPO3', item: 1, fields: { status: 'On Hold' } }), wprLine({ order: 'WPO4', item: 1, product: 'SBC' })];
    const error = await preflightError(wprTargets(f, data, { registry: { ...registry, SBC: 'sbc' } }));
    const text = error.message;
    expect(text).toMatch(/^OpenProject is not ready for this apply; nothing was written\./);
    expect(text).toContain('custom field "WPR Customer" is not active for Epic in project "flowone"');
    expect(text).toContain('type "User story" for order lines (stories) is not enabled in project "flowone" (enabled: "Task", "Epic")');
    expect(text).toContain('custom field "Cost Center" (customField10) is required for Epic in project "flowone"');
    expect(text).toContain('may not add work packages in project "niam"');
    expect(text).toContain('project "sbc" (products: SBC) does not exist');
    expect(error.problems.map((p) => p.kind).sort()).toEqual(['field', 'field', 'permission', 'project', 'required', 'required', 'type']);
    expect(error.action).toMatch(/run the dry run again/);
    expect(f.requests.entries.every((entry) => entry.method === 'GET')).toBe(true);
  });

  it('lists every list value that has no option, and accepts one mapped in op_custom_option_overrides.json', async () => {
    const f = await start();
    const data = [wprLine({ order: 'WPO1', item: 1, fields: { status: 'On Hold' } }), wprLine({ order: 'WPO1', item: 2, fields: { status: 'Backorder' } }), wprLine({ order: 'WPO1', item: 3, fields: { status: 'shipped' } })];
    const error = await preflightError(wprTargets(f, data));
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain('list field "WPR Status" (customField8) for User story in project "flowone" has no option for "On Hold", "Backorder"');
    const status = f.state.customFields.find((c) => c.name === 'WPR Status')!;
    const overrides = noOverrides({ options: { 'WPR Status': { 'On Hold': status.options[1]!.id, backorder: status.options[0]!.id } } });
    await expect(wprTargets(f, data, { overrides })).resolves.toBeDefined();
  });

  it('lets op_field_id_overrides.json win over discovery, and says when its field is not active', async () => {
    const f = await start({ customFields: [...wprCustomFields({ 'WPR Product': { name: 'Product (WPR)' } })] });
    const product = f.state.customFields.find((c) => c.name === 'Product (WPR)')!;
    const { setups } = await wprTargets(f, lines.slice(0, 2), { overrides: noOverrides({ fieldIds: { 'WPR Product': `customField${product.id}` } }) });
    expect(setups.get('flowone')!.epic.fields.get('WPR Product')).toMatchObject({ property: `customField${product.id}`, source: 'override' });
    const error = await preflightError(wprTargets(f, lines.slice(0, 2), { overrides: noOverrides({ fieldIds: { 'WPR Product': 'customField2' } }) }));
    expect(error.message).toContain('mapped to customField2 in op_field_id_overrides.json, but customField2 is not active for Epic');
  });

  it('asks for an override when two fields share a name', async () => {
    const f = await start({ customFields: [...wprCustomFields(), { name: 'wpr  order id', types: ['Epic'] }] });
    const error = await preflightError(wprTargets(f, lines.slice(0, 2)));
    expect(error.message).toContain('custom field name "WPR Order ID" is ambiguous for Epic in project "flowone" (customField1, customField10)');
  });

  it('uses the type names of op_types.json, per project', async () => {
    const f = await start({
      customFields: wprCustomFields({ 'WPR Product': { required: false } }).map((field) => ({ ...field, types: null })),
      projects: [{ identifier: 'flowone', types: ['Feature', 'Task'] }],
    });
    const overrides = noOverrides({ types: { epic: 'Epic', story: 'User story', projects: { flowone: { epic: 'Feature', story: 'Task' } } } });
    const { setups } = await wprTargets(f, lines.slice(0, 2), { overrides });
    expect(setups.get('flowone')!.epic.type.name).toBe('Feature');
    expect(setups.get('flowone')!.story.type.name).toBe('Task');
  });

  it('stops when a required custom field would be left empty on the other type too', async () => {
    const f = await start({ customFields: wprCustomFields().map((field) => ({ ...field, types: null })) });
    const error = await preflightError(wprTargets(f, lines.slice(0, 2)));
    expect(error.message).toContain('custom field "WPR Product" (customField3) is required for User story in project "flowone"');
  });
});
