/**
 * Agent Skills shipped in `skills/<name>/SKILL.md`: front matter (`name`, `description`) and a
 * Markdown body. The server offers each skill as an MCP prompt; `validateSkill` enforces the
 * format (name = folder name, lower-case/digits/hyphens; description ≤ 1024 chars; body < 500 lines).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Skill {
  folder: string;
  name: string;
  description: string;
  body: string;
  file: string;
  /** Every key found in the front matter (the format allows exactly name and description). */
  keys: string[];
}

/** Parses `---\nkey: value\n---\nbody`. Values are single-line, optionally quoted. */
export function parseSkill(text: string, file: string): Skill {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${file}: no front matter (expected --- name/description --- at the top)`);
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const kv = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`${file}: front matter line is not "key: value": ${line}`);
    fields[kv[1]!] = kv[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return {
    folder: path.basename(path.dirname(file)),
    name: fields.name ?? '',
    description: fields.description ?? '',
    body: match[2]!,
    file,
    keys: Object.keys(fields),
  };
}

/** Problems with a skill, empty when it follows the format. */
export function validateSkill(skill: Skill): string[] {
  const problems: string[] = [];
  const extra = skill.keys.filter((key) => key !== 'name' && key !== 'description');
  if (extra.length) problems.push(`front matter has keys other than name and description: ${extra.join(', ')}`);
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(skill.name)) problems.push(`name "${skill.name}" must be lower-case letters, digits and hyphens`);
  if (skill.name !== skill.folder) problems.push(`name "${skill.name}" must equal the folder name "${skill.folder}"`);
  if (!skill.description) problems.push('description is empty');
  if (skill.description.length > 1024) problems.push(`description is ${skill.description.length} chars (max 1024)`);
  const lines = skill.body.split('\n').length;
  if (lines >= 500) problems.push(`body is ${lines} lines (must be under 500)`);
  return problems;
}

/** Loads every `skills/<name>/SKILL.md` under `dir`, sorted by name. */
export function loadSkills(dir: string): Skill[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'SKILL.md')))
    .map((entry) => {
      const file = path.join(dir, entry.name, 'SKILL.md');
      return parseSkill(fs.readFileSync(file, 'utf8'), file);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
