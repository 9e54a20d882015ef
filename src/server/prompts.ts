/** MCP prompts: one per skill in `skills/`, so a client can pull a runbook into a conversation. */
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from '../logging/logger.js';
import { packageRoot } from '../package-root.js';
import { loadSkills, validateSkill } from './skills.js';

export function registerPrompts(server: McpServer, logger: Logger): void {
  for (const skill of loadSkills(path.join(packageRoot(), 'skills'))) {
    const problems = validateSkill(skill);
    if (problems.length) {
      logger.warn(`Skipping skill ${skill.file}: ${problems.join('; ')}`);
      continue;
    }
    server.registerPrompt(skill.name, { title: skill.name, description: skill.description }, () => ({
      description: skill.description,
      messages: [{ role: 'user', content: { type: 'text', text: skill.body.trim() } }],
    }));
  }
}
