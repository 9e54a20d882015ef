/** Builds valid canonical projects files of any size for import tests and benchmarks. */
import fs from 'node:fs';
import path from 'node:path';
import type { CanonicalProject } from '../../src/sources/canonical/schema.js';

const STATUSES = ['Active', 'On Hold', 'Completed'];
const PHASES = ['Design', 'Engineering', 'Production', 'Installation'];

/** A valid, importable canonical project number `i` (job number J-<i padded>). */
export function canonicalProject(i: number, overrides: Partial<CanonicalProject> = {}): CanonicalProject {
  const day = String((i % 28) + 1).padStart(2, '0');
  return {
    ppak_job_number: `J-${String(i).padStart(6, '0')}`,
    name: `Project ${i}`,
    customer_name: `Customer ${i % 37}`,
    status: STATUSES[i % STATUSES.length]!,
    phase: PHASES[i % PHASES.length]!,
    ppak_status: 'Open',
    ppak_phase: 'Design',
    start_date: `2024-01-${day}`,
    due_date: `2024-06-${day}`,
    contract_amount: 1000 + i,
    material_skus: [],
    work_orders: [],
    innergy_id: null,
    source: { file: 'projects_2024-01-15.csv', line: i + 2 },
    ...overrides,
  };
}

/** Writes `canonical_projects_2024-01-15.json` with `count` projects into `dir`; returns its path. */
export function writeCanonicalProjects(dir: string, count: number, tweak?: (p: CanonicalProject, i: number) => CanonicalProject): string {
  const file = path.join(dir, 'canonical_projects_2024-01-15.json');
  const projects = Array.from({ length: count }, (_, i) => (tweak ? tweak(canonicalProject(i + 1), i + 1) : canonicalProject(i + 1)));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ export_date: '2024-01-15', generated_at: new Date().toISOString(), projects }, null, 2));
  return file;
}

/** The projects of a canonical file. */
export function readProjects(file: string): CanonicalProject[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { projects: CanonicalProject[] }).projects;
}
