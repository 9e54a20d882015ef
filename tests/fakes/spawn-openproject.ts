/** Starts the fake OpenProject (`openproject-main.ts`) in its own process (see `spawn-fake.ts`). */
import { fileURLToPath } from 'node:url';
import type { FakeOpenProjectOptions } from './openproject.js';
import { spawnFake, type SpawnedFake } from './spawn-fake.js';

/** Spawns the fake OpenProject and waits until it listens. */
export function spawnFakeOpenProject(options: FakeOpenProjectOptions = {}, timeoutMs?: number): Promise<SpawnedFake> {
  return spawnFake(fileURLToPath(new URL('./openproject-main.ts', import.meta.url)), options, timeoutMs);
}
