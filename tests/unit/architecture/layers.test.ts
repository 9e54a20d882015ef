/**
 * The house rules of docs/ARCHITECTURE.md, checked on every test run: layers point one way, no
 * pipeline imports another pipeline folder, no import cycle (type-only imports included), and no
 * source file a reader cannot hold in their head.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/workspace.js';
import { cycles, readSources } from './imports.js';

const files = readSources(path.join(REPO_ROOT, 'src'));
const top = (file: string) => file.split('/')[0]!;
const importsOf = (folder: string) => files.filter((f) => f.file.startsWith(`${folder}/`)).flatMap((f) => f.imports.map((i) => ({ from: f.file, to: i })));

describe('architecture', () => {
  it('reads the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('keeps the engine free of http, targets, pipelines, runbooks, tools, server and the CLI', () => {
    const outer = new Set(['http', 'targets', 'pipelines', 'runbooks', 'tools', 'server', 'cli', 'sources']);
    expect(importsOf('engine').filter(({ to }) => outer.has(top(to)))).toEqual([]);
  });

  it('lets no pipeline folder import another pipeline folder', () => {
    const crossing = importsOf('pipelines').filter(({ from, to }) => top(to) === 'pipelines' && from.split('/')[1] !== to.split('/')[1]);
    expect(crossing).toEqual([]);
  });

  it('keeps pipelines, targets and sources below tools, server and runbooks', () => {
    const upper = new Set(['tools', 'server', 'runbooks', 'cli', 'app.ts', 'main.ts']);
    const lower = ['pipelines', 'targets', 'sources', 'http', 'transform', 'outputs', 'stores', 'config', 'logging'];
    const violations = lower.flatMap((folder) => importsOf(folder)).filter(({ to }) => upper.has(top(to)));
    expect(violations).toEqual([]);
  });

  it('lets only runbooks compose several pipeline folders', () => {
    const composing = files
      .filter((f) => top(f.file) !== 'runbooks')
      .map((f) => ({ file: f.file, pipelines: [...new Set(f.imports.filter((i) => top(i) === 'pipelines').map((i) => i.split('/')[1]))] }))
      .filter((f) => f.pipelines.length > 1);
    expect(composing).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(cycles(files)).toEqual([]);
  });

  it('keeps every source file under 300 lines', () => {
    expect(files.filter((f) => f.lines > 300).map((f) => `${f.file} (${f.lines})`)).toEqual([]);
  });
});
