/** The DevRev target: client, routes and fields, the creator-group Target, the connection check, the group directory. */
export { DevRevClient, type DevRevClientOptions, type DevRevConfig } from './client.js';
export * from './fields.js';
export { creatorGroupTarget, indexIssues, type CreatorGroupPayload, type CreatorGroupTarget, type CreatorGroupTargetOptions, type IssueIndex, type IssueState } from './target.js';
export { checkDevRevConnection, type DevRevCheckOptions } from './check.js';
export { readGroupDirectory, type GroupDirectory, type DirectoryGroup } from './groups.js';
