/** The INNERGY target: client and field mapping. */
export { InnergyClient, type InnergyClientOptions } from './client.js';
export * from './fields.js';
