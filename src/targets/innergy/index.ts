/** The INNERGY target: client, field mapping and the engine Targets over them. */
export { InnergyClient, type InnergyClientOptions } from './client.js';
export * from './fields.js';
export { indexByExternalKey, INNERGY_SYSTEM, materialTarget, projectTarget } from './target.js';
