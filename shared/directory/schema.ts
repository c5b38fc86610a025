/**
 * The deployment directory: the regency, its Bupati, the inspectorate, the agencies with
 * their SOP, complaint categories and the people in each role, and the office calendar.
 * It is configuration an admin maintains; validated at load.
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';
import { LocalizedText } from '../sop/localized-text';
import { OfficeCalendarConfig } from '../calendar/config';

/**
 * The schema's fingerprint, recorded with each version `importDirectory` validates and stores: a
 * function that reads a version recorded with this fingerprint takes it as stored (validated, defaults
 * applied, its digest checked on read), without parsing it again, so it neither builds these schemas
 * nor runs them at its cold start; any other version is parsed (shared/directory/store.ts). It is the
 * SHA-256 of the schema's JSON Schema, cut to 16 hex digits: test/unit/directory-schema-fingerprint.test.ts
 * fails, naming the new value, when the schema changes and this was not updated.
 */
export const DIRECTORY_SCHEMA = 'directory:b0d5809ea16e2b71';

// Each schema is built at first use (shared/lazy.ts), and pure: see DIRECTORY_SCHEMA.

export const Person = /* @__PURE__ */ lazy(() => z.object({
  /** Stable id, used in events ("who acted"). */
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  name: z.string().check(z.minLength(1)),
  email: z.email(),
  /** Civil-service title as printed (e.g. "Kepala Seksi Layanan"). */
  title: z.string().check(z.minLength(1)),
  /** Preferred language of emails. */
  language: z._default(z.enum(['id', 'en']), 'id'),
}));
export type Person = z.infer<typeof Person>;

export const Official = /* @__PURE__ */ lazy(() => z.extend(Person, {
  /** Matches `Role.directoryRole` in an SOP. */
  role: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  /** An acting official (Plt/Plh) who may take over this person's tasks. */
  acting: z._default(z.boolean(), false),
}));
export type Official = z.infer<typeof Official>;

export const Unit = /* @__PURE__ */ lazy(() => z.object({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  name: LocalizedText,
  /** The head of the unit (Kepala Dinas, Inspektur): the ladder's `head` rung. */
  head: Person,
  officials: z._default(z.array(Official), []),
}));
export type Unit = z.infer<typeof Unit>;

export const Agency = /* @__PURE__ */ lazy(() => z.extend(Unit, {
  sopId: z.string(),
  categories: z.array(z.object({ id: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)), name: LocalizedText })).check(z.minLength(1)),
  /** The decree (SK) naming the complaint team: SOP setup steps, kept as configuration. */
  teamDecree: z.optional(z.string()),
  /** Whether citizens may file with this agency directly from the form. */
  acceptsComplaints: z._default(z.boolean(), true),
}));
export type Agency = z.infer<typeof Agency>;

export const Directory = /* @__PURE__ */ lazy(() => z.object({
  regency: z.object({
    id: z.string(),
    name: z.string(),
    /** Public base URL of the service, used in email links. */
    publicUrl: z.optional(z.url()),
    /** Sender of every email. */
    mailFrom: z.email(),
  }),
  bupati: Person,
  /** The regency admin of SP4N-LAPOR! and whoever maintains the calendar: told of calendar gaps. */
  admin: Person,
  inspectorate: Unit,
  agencies: z.array(Agency).check(z.minLength(1)),
  calendar: OfficeCalendarConfig,
}));
export type Directory = z.infer<typeof Directory>;
