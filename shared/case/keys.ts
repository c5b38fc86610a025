/**
 * Capability keys of task and reply links: 32 random bytes (256 bits), base64url in the link;
 * only their SHA-256 is stored. Hashing is computation, not I/O, so it lives in shared.
 */
import { Buffer } from 'node:buffer';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { OPEN_STATUSES, type CaseRecord } from './model';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A link key must look like one before we spend a database read on it. */
export function isWellFormedKey(key: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(key);
}

/** Where a located link key's task is: its case and slot. */
export interface KeyLocator {
  caseId: string;
  slot: string;
}

const LOCATED_KEY = /^t\.([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/;

/**
 * A task's link key that says where its task is: `t.<case id and slot, base64url>.<32 random bytes>`.
 * The task is then read by its own key (case, slot) and the key's hash compared with the task's, so
 * no lookup item is written for it and a link costs one read. The random part alone is the capability
 * (256 bits, as every key's); the place is no secret: the official it goes to sees the case.
 */
export function locatedKey(random: string, at: KeyLocator): string {
  return `t.${Buffer.from(`${at.caseId}\n${at.slot}`, 'utf8').toString('base64url')}.${random}`;
}

/** The place a located key names; undefined for a key of the earlier shape (found through its lookup). */
export function keyLocator(key: string): KeyLocator | undefined {
  const m = LOCATED_KEY.exec(key);
  if (!m) return undefined;
  const [caseId, slot, ...rest] = Buffer.from(m[1]!, 'base64url').toString('utf8').split('\n');
  return caseId && slot && !rest.length ? { caseId, slot } : undefined;
}

/** A task or reply link's key: 43 base64url characters, or a located key (`locatedKey`). */
export function isWellFormedLinkKey(key: string): boolean {
  return isWellFormedKey(key) || keyLocator(key) !== undefined;
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

/** Where a case without a current step sorts in its agency's dashboard index (after every step id). */
export const NO_STEP = '_';
/** Where a case without a deadline sorts within its step (after every instant). */
export const NO_DEADLINE_KEY = '~';

/** The dashboards' index position of an open case within its step: `<dueAt or ~>#<caseId>`. */
export function openCaseDueKey(dueAt: string | undefined, caseId: string): string {
  return `${dueAt ? new Date(dueAt).toISOString() : NO_DEADLINE_KEY}#${caseId}`;
}

/**
 * The dashboards' index attributes of a case (gsi5, shared/data/table.ts): present while the case is
 * open, so a closed or rejected case drops out (sparse). Partitioned by the receiving agency, sorted by
 * step then deadline, so that each SLA state of a step is one key range. Besides the keys, the UTC
 * instant of receipt (`gsi5sub`: `submittedAt` keeps its offset, which does not compare as text), the
 * highest escalation level (`gsi5esc`, one digit) and whether a reprimand was recommended (`gsi5rep`),
 * for the filters.
 */
export function openCaseIndexKeys(c: Pick<CaseRecord, 'caseId' | 'agencyId' | 'status' | 'submittedAt' | 'currentStep' | 'escalations'>): Record<string, string> {
  if (!OPEN_STATUSES.includes(c.status)) return {};
  const level = Math.min(9, Math.max(0, ...c.escalations.map((x) => x.level)));
  return {
    gsi5pk: `OPEN#${c.agencyId}`,
    gsi5sk: `${c.currentStep?.stepId ?? NO_STEP}#${openCaseDueKey(c.currentStep?.dueAt, c.caseId)}`,
    gsi5sub: new Date(c.submittedAt).toISOString(),
    gsi5esc: String(level),
    gsi5rep: c.escalations.some((x) => x.kind === 'reprimand') ? '1' : '0',
  };
}
