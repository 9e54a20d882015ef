/** Reads the import graph of src/ (static, dynamic and type-only imports of relative modules). */
import fs from 'node:fs';
import path from 'node:path';

export interface SourceFile {
  /** Path relative to src/, e.g. `engine/apply.ts`. */
  file: string;
  lines: number;
  /** Imported files relative to src/. */
  imports: string[];
}

const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every .ts file under `srcDir` with its relative imports resolved to files. */
export function readSources(srcDir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        const imports = [...text.matchAll(IMPORT)].map((m) => path.relative(srcDir, path.resolve(path.dirname(full), m[1]!)).replace(/\.js$/, '.ts'));
        out.push({ file: path.relative(srcDir, full), lines: text.split('\n').length, imports: [...new Set(imports)] });
      }
    }
  };
  walk(srcDir);
  return out;
}

/** Strongly connected components with more than one file (import cycles), by Tarjan's algorithm. */
export function cycles(files: readonly SourceFile[]): string[][] {
  const graph = new Map(files.map((f) => [f.file, f.imports.filter((i) => files.some((g) => g.file === i))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}
