/** `npm run schemas`: writes the generated JSON Schemas into the package's `schemas/` folder. */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { renderJsonSchemas } from './json-schemas.js';

const dir = path.join(packageRoot(), 'schemas');
fs.mkdirSync(dir, { recursive: true });
for (const [file, text] of renderJsonSchemas()) {
  fs.writeFileSync(path.join(dir, file), text);
  process.stderr.write(`wrote schemas/${file}\n`);
}
