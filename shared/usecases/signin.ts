/**
 * Officials sign in by email, without passwords. A directory address gets a one-time link (256
 * random bits; only its SHA-256 is stored; 15 minutes; consumed by a POST, so a mail scanner that
 * fetches the link consumes nothing). Every address, known or not, gets the same answer and takes
 * the same quota, so the answer tells a stranger nothing about who is in the directory. A session
 * is another 256-bit secret (hashed at rest), 8 hours, bound to the person id and checked against
 * the directory in use on every request: a person who left it is signed out.
 */
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import * as z from 'zod/mini';
import { hashKey, isWellFormedKey } from '../case/keys';
import type { Directory, Person } from '../directory/schema';
import { findPerson } from '../directory/resolve';
import { renderSignInEmail } from '../email/signin';
import { Gone, ValidationFailed } from '../errors';
import type { Language } from '../i18n';
import type { OfficialSession, SessionStore } from '../ports';
import type { Deps } from './deps';

export const SIGN_IN_LINK_MINUTES = 15;
export const SESSION_HOURS = 8;
/** Sign-in links one address may receive per hour (counted for unknown addresses too). */
export const SIGN_IN_LINKS_PER_HOUR = 3;

export type SignInDeps = Deps & { sessions: SessionStore };

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
const newSecret = (deps: Pick<Deps, 'randomBytes'>) => Buffer.from(deps.randomBytes(32)).toString('base64url');

/** Everyone in the directory an address reaches (case-insensitively): officials, heads, the Bupati, the admin. */
export function peopleWithEmail(directory: Directory, email: string): Person[] {
  const wanted = email.trim().toLowerCase();
  const everyone: Person[] = [
    directory.bupati, directory.admin, directory.inspectorate.head, ...directory.inspectorate.officials,
    ...directory.agencies.flatMap((a) => [a.head, ...a.officials]),
  ];
  const seen = new Set<string>();
  return everyone.filter((p) => p.email.toLowerCase() === wanted && !seen.has(p.id) && seen.add(p.id));
}

const EmailField = z.pipe(z.string().check(z.trim(), z.maxLength(254)), z.email());

/**
 * Mails a sign-in link if the address is in the directory and its hourly quota allows; otherwise
 * does nothing. Either way it returns the same (nothing): the caller answers every address alike.
 * A malformed address is a 400 (its form says nothing about the directory).
 */
export async function requestSignIn(deps: SignInDeps, input: { email: unknown; now: Date; lang: Language }): Promise<void> {
  const parsed = EmailField.safeParse(input.email);
  if (!parsed.success) {
    throw new ValidationFailed([{ path: 'email', message: input.lang === 'id' ? 'Tulis alamat email yang lengkap, misalnya nama@dinas.go.id.' : 'Write a whole email address, such as name@agency.go.id.' }]);
  }
  const address = parsed.data.toLowerCase();
  // The counter is named by a keyed hash of the address, never the address; one window per UTC hour.
  const hour = input.now.toISOString().slice(0, 13);
  const counter = `signin#${createHmac('sha256', deps.linkSecret).update(address).digest('base64url')}#${hour}`;
  const allowed = await deps.store.takeQuota(counter, SIGN_IN_LINKS_PER_HOUR, epoch(input.now) + 2 * 3600);
  const person = peopleWithEmail(deps.directory, address)[0];
  if (!allowed || !person) {
    deps.log.info('sign-in link not sent', { reason: allowed ? 'unknown_address' : 'hourly_limit' });
    return;
  }
  const key = newSecret(deps);
  const expires = new Date(input.now.getTime() + SIGN_IN_LINK_MINUTES * 60_000);
  await deps.sessions.putSignInLink({ keyHash: hashKey(key), personId: person.id, createdAt: deps.calendar.format(input.now), expiresAt: epoch(expires) });
  const email = renderSignInEmail({ name: person.name, url: `${deps.publicUrl}/masuk/${key}`, expiresAt: expires.toISOString(), minutes: SIGN_IN_LINK_MINUTES }, person.language);
  await deps.mailer.send({ from: deps.mailFrom, to: [person.email], ...email });
  deps.log.info('sign-in link sent', { personId: person.id });
}

/** The answer to a used, expired or unknown sign-in link (410): ask for a new one. */
const linkGone = () => new Gone({
  id: 'Tautan masuk ini sudah dipakai atau kedaluwarsa (berlaku 15 menit, sekali pakai). Minta tautan baru di halaman Masuk.',
  en: 'This sign-in link was used already or has expired (it works 15 minutes, once). Ask for a new one on the sign-in page.',
});

/**
 * Consumes a sign-in link and opens a session: the session's secret (for the cookie) and its record.
 * 410 when the link is unknown, used, expired, or its person has left the directory.
 */
export async function completeSignIn(deps: SignInDeps, key: string, now: Date): Promise<{ secret: string; session: OfficialSession; person: Person }> {
  if (!isWellFormedKey(key)) throw linkGone();
  const link = await deps.sessions.consumeSignInLink(hashKey(key), epoch(now));
  const person = link && findPerson(deps.directory, link.personId);
  if (!link || !person) throw linkGone();
  const secret = newSecret(deps);
  const session: OfficialSession = {
    keyHash: hashKey(secret), personId: person.id, ...(deps.directoryVersion !== undefined ? { directoryVersion: deps.directoryVersion } : {}),
    createdAt: deps.calendar.format(now), expiresAt: epoch(now) + SESSION_HOURS * 3600,
  };
  await deps.sessions.putSession(session);
  deps.log.info('official signed in', { personId: person.id });
  return { secret, session, person };
}

/** A signed-in official: the person as the directory in use names them, and every id their address holds. */
export interface SignedIn {
  session: OfficialSession;
  person: Person;
  /** The person's ids: one address may hold a role in more than one unit. */
  personIds: string[];
}

/**
 * The official of a session cookie's value, or undefined (no such session, expired, or the person
 * left the directory: then the session is deleted, so it stays revoked if they come back).
 */
export async function currentOfficial(deps: SignInDeps, secret: string | undefined, now: Date): Promise<SignedIn | undefined> {
  if (!secret || !isWellFormedKey(secret)) return undefined;
  const session = await deps.sessions.getSession(hashKey(secret), epoch(now));
  if (!session) return undefined;
  const person = findPerson(deps.directory, session.personId);
  if (!person) {
    await deps.sessions.deleteSession(session.keyHash);
    deps.log.info('session revoked: the person left the directory', { personId: session.personId, signedInUnder: session.directoryVersion, directoryVersion: deps.directoryVersion });
    return undefined;
  }
  return { session, person, personIds: peopleWithEmail(deps.directory, person.email).map((p) => p.id) };
}

/** Ends a session (sign-out). */
export async function signOut(deps: SignInDeps, secret: string | undefined): Promise<void> {
  if (secret && isWellFormedKey(secret)) await deps.sessions.deleteSession(hashKey(secret));
}
