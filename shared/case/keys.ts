/**
 * Capability keys of task and reply links: 32 random bytes (256 bits), base64url in the link;
 * only their SHA-256 is stored. Hashing is computation, not I/O, so it lives in shared.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A link key must look like one before we spend a database read on it. */
export function isWellFormedKey(key: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(key);
}

/** CSRF token of a task page: HMAC of the key hash and the task version, with the service secret. */
export function csrfToken(secret: string, keyHash: string, version: number): string {
  return createHmac('sha256', secret).update(`${keyHash}:${version}`).digest('base64url');
}

export function csrfMatches(secret: string, keyHash: string, version: number, token: string): boolean {
  const expected = Buffer.from(csrfToken(secret, keyHash, version));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
