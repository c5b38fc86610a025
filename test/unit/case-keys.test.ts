/** Link keys: one hash function for task and reply links, the shape check, and CSRF tokens. */
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { csrfMatches, csrfToken, hashKey, isWellFormedKey } from '../../shared/case/keys';

test('a key as links carry it (32 random bytes, base64url) is well formed and hashes to SHA-256 hex', () => {
  const key = randomBytes(32).toString('base64url');
  expect(isWellFormedKey(key)).toBe(true);
  expect(hashKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
  expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
});

test('different keys, different hashes (property)', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
    fc.pre(Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0);
    expect(hashKey(Buffer.from(a).toString('base64url'))).not.toBe(hashKey(Buffer.from(b).toString('base64url')));
  }));
});

test.each(['', 'short', `${'a'.repeat(42)}=`, `${'a'.repeat(44)}`, `${'a'.repeat(42)}/`, `${'a'.repeat(42)}+`, '../'.repeat(15)])('%j is not a link key', (key) => {
  expect(isWellFormedKey(key)).toBe(false);
});

test('a CSRF token matches its key hash and task version only', () => {
  const secret = 's'.repeat(32);
  const token = csrfToken(secret, 'abc', 3);
  expect(csrfMatches(secret, 'abc', 3, token)).toBe(true);
  expect(csrfMatches(secret, 'abc', 4, token)).toBe(false);
  expect(csrfMatches(secret, 'abd', 3, token)).toBe(false);
  expect(csrfMatches('t'.repeat(32), 'abc', 3, token)).toBe(false);
  expect(csrfMatches(secret, 'abc', 3, '')).toBe(false);
  expect(csrfMatches(secret, 'abc', 3, `${token}x`)).toBe(false);
});
