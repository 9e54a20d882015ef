/**
 * explain_record through an MCP client: every run that wrote a record is listed with its events,
 * oldest first, each with its tool, action, target id, source line and content hash.
 */
import { describe, expect, it } from 'vitest';
import { readProjects, writeCanonicalProjects } from '../../helpers/canonical.js';
import { callTool, callToCompletion } from '../../helpers/mcp.js';
import { useInnergySession } from '../../helpers/innergy-session.js';

const h = useInnergySession('500/s');

describe('explain_record', () => {
  it('lists the events of both runs that wrote a project, in order, with their runs and tools', async () => {
    const { client } = h.session;
    const file = writeCanonicalProjects(h.ws.outputDir, 3);
    const first = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(first.structured).toMatchObject({ status: 'succeeded', created: 3 });
    const ids = readProjects(file).map((p) => p.innergy_id);
    writeCanonicalProjects(h.ws.outputDir, 3, (p, i) => ({ ...p, innergy_id: ids[i - 1]!, name: i === 2 ? 'Renamed project' : p.name, source: { file: 'projects_2024-01-22.csv', line: 40 + i } }));
    const second = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(second.structured).toMatchObject({ status: 'succeeded', created: 0, updated: 1 });
    const innergyId = h.fake.state.projects.find((p) => p.ExternalIdentifier === 'J-000002')!.Id;

    const explained = await callTool(client, 'explain_record', { system: 'innergy', key: 'J-000002' });
    expect(explained.isError).toBe(false);
    const { events, identities } = explained.structured as { events: Record<string, any>[]; identities: Record<string, any>[] };
    expect(events.map((e) => [e.run_id, e.action])).toEqual([
      [first.structured.run_id, 'created'],
      [second.structured.run_id, 'updated'],
    ]);
    expect(events[0]).toMatchObject({ tool: 'run_innergy_project_import', system: 'innergy', kind: 'project', target_id: innergyId, source: { file: 'projects_2024-01-15.csv', line: 4 } });
    expect(events[1]).toMatchObject({ tool: 'run_innergy_project_import', system: 'innergy', kind: 'project', target_id: innergyId, source: { file: 'projects_2024-01-22.csv', line: 42 } });
    expect(events[1]!.content_hash).not.toBe(events[0]!.content_hash);
    expect(events[0]!.at <= events[1]!.at).toBe(true);
    expect(identities).toEqual([expect.objectContaining({ system: 'innergy', kind: 'project', target_id: innergyId, last_run_id: second.structured.run_id, content_hash: events[1]!.content_hash })]);
    expect(explained.structured.next_action).toContain(`migration://runs/${second.structured.run_id}/report`);

    // A project the second run left unchanged shows only the run that created it.
    const untouched = await callTool(client, 'explain_record', { system: 'innergy', key: 'J-000001' });
    expect(untouched.structured.events.map((e: { run_id: string }) => e.run_id)).toEqual([first.structured.run_id]);
  });
});
