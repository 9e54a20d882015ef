/**
 * Snowflake key-pair authentication: a short-lived RS256 JWT signed with the user's private key,
 * built with `node:crypto` (no JWT library). Claims, as Snowflake documents them:
 * `iss = <ACCOUNT>.<USER>.SHA256:<fingerprint>`, `sub = <ACCOUNT>.<USER>`, `iat`, `exp` (at most one
 * hour later), where the fingerprint is the base64 SHA-256 of the public key's DER
 * (SubjectPublicKeyInfo) — what `DESCRIBE USER` shows as RSA_PUBLIC_KEY_FP — and ACCOUNT is the
 * account identifier in upper case without a region suffix (`xy12345.us-east-1` → `XY12345`).
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { ConfigError } from '../../engine/errors.js';

/** Reads a PEM private key (PKCS#8 or PKCS#1, encrypted when a passphrase is given). */
export function loadPrivateKey(pem: string, passphrase?: string): KeyObject {
  try {
    const key = createPrivateKey(passphrase ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`it is an ${key.asymmetricKeyType ?? 'unknown'} key, not RSA`);
    return key;
  } catch (error) {
    throw new ConfigError(`The Snowflake private key cannot be read: ${(error as Error).message}.`, {
      action: 'Point SNOWFLAKE_PRIVATE_KEY_PATH at the PEM RSA private key (rsa_key.p8) whose public key is set on the user; set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE if it is encrypted.',
    });
  }
}

/** `SHA256:<base64>` of the public key matching a private (or public) key. */
export function publicKeyFingerprint(key: KeyObject): string {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** The account part of the JWT claims: upper case, without a `.region.cloud` suffix. */
export function jwtAccount(account: string): string {
  const upper = account.trim().toUpperCase();
  return upper.includes('.GLOBAL') ? upper.split('-')[0]! : upper.split('.')[0]!;
}

/** Claims and lifetime of one token. */
export interface SnowflakeJwtInput {
  account: string;
  user: string;
  key: KeyObject;
  /** Epoch ms. @default Date.now() */
  now?: number;
  /** @default 3540 (59 minutes; Snowflake allows at most one hour) */
  lifetimeSeconds?: number;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Builds and signs a key-pair JWT. */
export function snowflakeJwt(input: SnowflakeJwtInput): { token: string; expiresAt: number } {
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  const exp = now + (input.lifetimeSeconds ?? 3540);
  const qualified = `${jwtAccount(input.account)}.${input.user.trim().toUpperCase()}`;
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iss: `${qualified}.${publicKeyFingerprint(input.key)}`, sub: qualified, iat: now, exp }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), input.key).toString('base64url');
  return { token: `${header}.${payload}.${signature}`, expiresAt: exp * 1000 };
}
