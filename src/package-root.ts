/** Locates files shipped with the package (skills/, schemas/, examples/), from src/ or dist/. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: one level above this module (src/ or dist/). */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

let version: string | undefined;

/** The version in the package's package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
