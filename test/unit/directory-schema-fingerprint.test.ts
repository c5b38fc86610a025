/**
 * A function takes a directory version recorded with DIRECTORY_SCHEMA as it was stored, without
 * parsing it again (shared/directory/store.ts): so the fingerprint must change whenever the schema
 * does, or a function would take a version validated with an older schema (a field it now defaults
 * missing) as if it were current. It is the schema's JSON Schema, hashed.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { Directory, DIRECTORY_SCHEMA } from '../../shared/directory/schema';

const fingerprintOf = (schema: z.ZodMiniType) => `directory:${createHash('sha256').update(JSON.stringify(z.toJSONSchema(schema))).digest('hex').slice(0, 16)}`;

test('DIRECTORY_SCHEMA is the fingerprint of the directory schema as it is now (update it when the schema changes)', () => {
  expect({ DIRECTORY_SCHEMA }).toEqual({ DIRECTORY_SCHEMA: fingerprintOf(Directory) });
});

test('the fingerprint sees a change of a default, a pattern or a field', () => {
  const base = fingerprintOf(Directory);
  expect(fingerprintOf(z.object({ ...Directory.shape, extra: z._default(z.boolean(), false) }))).not.toBe(base);
  expect(fingerprintOf(z.extend(Directory, { admin: z.object({ id: z.string().check(z.regex(/^[a-z]+$/)) }) }))).not.toBe(base);
  expect(fingerprintOf(z.object({ ...Directory.shape, regency: z.object({ id: z.string() }) }))).not.toBe(base);
});
