/** The OpenProject target: client, custom field resolution, preflight, bulk reads, Targets and check. */
export * from './api.js';
export { OpenProjectClient, normalizeBaseUrl, type OpenProjectClientOptions, type WorkPackageBody } from './client.js';
export * from './errors.js';
export * from './fields.js';
export * from './preflight.js';
export * from './reader.js';
export * from './target.js';
export { checkConnection } from './check.js';
export { reparentTarget, type ReparentPayload } from './reparent.js';
