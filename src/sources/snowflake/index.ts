/** The Snowflake source: SQL API v2 client with key-pair JWT auth, and a partition-by-partition reader. */
export { SnowflakeClient, type SnowflakeClientOptions, type StatementResult, type ResultColumn, type ResultRow } from './client.js';
export { readSnowflake, statementFor, type SnowflakeRecord, type SnowflakeSelection } from './reader.js';
export { jwtAccount, loadPrivateKey, publicKeyFingerprint, snowflakeJwt, type SnowflakeJwtInput } from './jwt.js';
