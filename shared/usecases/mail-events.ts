/**
 * Mail that does not arrive. SES reports bounces, complaints, rejections and delays of the messages
 * the service sent (infra/aws/constructs/mail.ts: the configuration set's event destination); this
 * use case records each on the case the message belonged to (its `caseId` tag) without the address,
 * suppresses addresses that bounced permanently or complained, and tells the regency admin when the
 * address is an official's (their task links would otherwise be lost without anyone knowing).
 * `suppressingMailer` is the other half: the Mailer every handler uses consults the list first.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { CaseEventType, CaseRecord } from '../case/model';
import { lazy } from '../lazy';
import type { Person } from '../directory/schema';
import { renderEmail } from '../email/templates';
import type { KnownSuppressions, Mailer, Metrics, OutgoingEmail, Suppression, SuppressionList } from '../ports';
import { record, type Deps } from './deps';

/** The hash an address is known by in the suppression list: the list holds no address. */
export function addressHash(address: string): string {
  return createHash('sha256').update(`mail-suppression:${address.trim().toLowerCase()}`).digest('hex');
}

/** Raised when every recipient of a message is suppressed: nothing was sent. */
export class RecipientSuppressed extends Error {
  constructor() {
    super('Every recipient of this message is on the suppression list');
    this.name = 'RecipientSuppressed';
  }
}

/**
 * The Mailer every handler uses: recipients whose address bounced permanently or complained are
 * dropped (counted as EmailSuppressed); a message left with nobody is refused with RecipientSuppressed,
 * which the caller records like any refused email. A refusal by SES is counted as EmailFailed.
 */
export function suppressingMailer(inner: Mailer, ports: { suppressions: SuppressionList; metrics?: Metrics }): Mailer {
  // An entry the caller read with the case a moment ago (`known`) stands for the list's read of that address.
  const entryOf = (hash: string, known: KnownSuppressions | undefined) => (known?.has(hash) ? known.get(hash) : ports.suppressions.get(hash));
  const suppressed = async (address: string, known: KnownSuppressions | undefined) => !!(await entryOf(addressHash(address), known));
  return {
    // The rule `send` refuses by: nobody left to receive it.
    async refuses(recipients: string[], known?: KnownSuppressions) {
      return (await Promise.all(recipients.map((a) => suppressed(a, known)))).every(Boolean);
    },
    async send(message: OutgoingEmail, known?: KnownSuppressions) {
      const keep = async (list: string[] | undefined) => {
        if (!list?.length) return list;
        const checked = await Promise.all(list.map(async (a) => ((await entryOf(addressHash(a), known)) ? undefined : a)));
        return checked.filter((a): a is string => !!a);
      };
      const to = (await keep(message.to)) ?? [];
      const cc = await keep(message.cc);
      const dropped = message.to.length - to.length + (message.cc?.length ?? 0) - (cc?.length ?? 0);
      if (dropped) ports.metrics?.count('EmailSuppressed', dropped);
      if (!to.length && !cc?.length) throw new RecipientSuppressed();
      try {
        // A suppressed To with a live Cc: the Cc becomes the recipient.
        return await inner.send({ ...message, to: to.length ? to : cc!, cc: to.length ? cc : undefined });
      } catch (err) {
        ports.metrics?.count('EmailFailed');
        throw err;
      }
    },
  };
}

// Built at first use (shared/lazy.ts): every function imports this module for suppressingMailer, and
// only the mail-events function parses SES events (≈ 1 ms of each other function's cold start).
const Recipients = /* @__PURE__ */ lazy(() => z.array(z.object({ emailAddress: z.string().check(z.minLength(1)) })));

/**
 * An SES event (the `detail` of an EventBridge event from a configuration set; the same object SES
 * publishes to SNS). Only the fields used here are read; the rest (headers, addresses of the
 * sender) is dropped by the parse and never logged.
 */
export const SesMailEvent = /* @__PURE__ */ lazy(() => z.object({
  eventType: z.string().check(z.minLength(1)),
  mail: z.object({
    messageId: z.string().check(z.minLength(1)),
    timestamp: z.optional(z.string()),
    /** Message tags: each a list of values. */
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(z.object({
    bounceType: z.string(),
    bounceSubType: z.optional(z.string()),
    bouncedRecipients: Recipients,
    timestamp: z.string(),
  })),
  complaint: z.optional(z.object({
    complainedRecipients: Recipients,
    complaintFeedbackType: z.optional(z.string()),
    timestamp: z.string(),
  })),
  reject: z.optional(z.object({ reason: z.optional(z.string()) })),
  deliveryDelay: z.optional(z.object({
    delayType: z.optional(z.string()),
    delayedRecipients: Recipients,
    timestamp: z.string(),
  })),
}));
export type SesMailEvent = z.infer<typeof SesMailEvent>;

export type MailEventDeps = Pick<Deps, 'store' | 'directory' | 'mailer' | 'mailFrom' | 'calendar' | 'getSop' | 'log' | 'metrics'> & {
  suppressions: SuppressionList;
};

/** Who an address belongs to, as an event may name them: a directory id, or the case's reporter. */
type Recipient = { kind: 'official'; person: Person } | { kind: 'reporter' } | { kind: 'unknown' };

function recipientOf(deps: MailEventDeps, address: string, c: CaseRecord | undefined): Recipient {
  const a = address.trim().toLowerCase();
  const d = deps.directory;
  const people: Person[] = [d.bupati, d.admin, d.inspectorate.head, ...d.inspectorate.officials, ...d.agencies.flatMap((x) => [x.head, ...x.officials])];
  const person = people.find((p) => p.email.toLowerCase() === a);
  if (person) return { kind: 'official', person };
  if (c?.reporter?.email && c.reporter.email.trim().toLowerCase() === a) return { kind: 'reporter' };
  return { kind: 'unknown' };
}

/**
 * Handles one SES event; safe to repeat (EventBridge delivers at least once): each (message, event
 * type, recipient) is claimed once before it is recorded, counted or told to the admin.
 */
export async function handleMailEvent(deps: MailEventDeps, event: SesMailEvent): Promise<void> {
  const tag = (name: string) => event.mail.tags?.[name]?.[0];
  const caseId = tag('caseId');
  const template = tag('template');
  const c = caseId ? await deps.store.getCase(caseId) : undefined;
  const kind = event.eventType;
  const detail =
    kind === 'Bounce' && event.bounce ? { type: 'mail_bounced' as const, at: event.bounce.timestamp, recipients: event.bounce.bouncedRecipients, suppress: event.bounce.bounceType === 'Permanent' }
    : kind === 'Complaint' && event.complaint ? { type: 'mail_complained' as const, at: event.complaint.timestamp, recipients: event.complaint.complainedRecipients, suppress: true }
    : kind === 'DeliveryDelay' && event.deliveryDelay ? { type: 'mail_delayed' as const, at: event.deliveryDelay.timestamp, recipients: event.deliveryDelay.delayedRecipients, suppress: false }
    : kind === 'Reject' ? { type: 'mail_rejected' as const, at: event.mail.timestamp ?? new Date(0).toISOString(), recipients: [], suppress: false }
    : undefined;
  if (!detail) {
    deps.log.info('mail event ignored', { eventType: kind, messageId: event.mail.messageId });
    return;
  }
  const at = deps.calendar.format(new Date(detail.at));
  // A message's own once-markers, apart from any case (report emails and admin warnings carry none).
  const scope = `mail-${event.mail.messageId}`;
  if (detail.type === 'mail_rejected') {
    if (c && (await deps.store.claimOnce(scope, 'rejected'))) await recordOnCase(deps, c, detail.type, at, { template, reason: event.reject?.reason });
    deps.log.warn('SES rejected a message', { messageId: event.mail.messageId, caseId, template });
    return;
  }
  for (const r of detail.recipients) {
    const hash = addressHash(r.emailAddress);
    if (!(await deps.store.claimOnce(scope, `${detail.type}#${hash}`))) continue;
    const who = recipientOf(deps, r.emailAddress, c);
    const whoField = who.kind === 'official' ? who.person.id : who.kind;
    if (detail.suppress) {
      const suppression: Suppression = {
        addressHash: hash, reason: detail.type === 'mail_complained' ? 'complaint' : 'bounce', at,
        ...(event.bounce ? { bounceType: event.bounce.bounceType, bounceSubType: event.bounce.bounceSubType } : {}),
      };
      await deps.suppressions.put(suppression);
      deps.metrics?.count(detail.type === 'mail_complained' ? 'MailComplained' : 'MailBounced');
    }
    deps.log.warn('mail not delivered', { eventType: kind, messageId: event.mail.messageId, caseId, template, recipient: whoField, suppressed: detail.suppress });
    if (c) {
      await recordOnCase(deps, c, detail.type, at, {
        template, recipient: whoField, suppressed: detail.suppress,
        ...(event.bounce ? { bounceType: event.bounce.bounceType, bounceSubType: event.bounce.bounceSubType } : {}),
      });
    }
    if (detail.suppress && who.kind === 'official') await tellAdmin(deps, who.person, detail.type === 'mail_complained' ? 'complaint' : 'bounce', at);
  }
}

async function recordOnCase(deps: MailEventDeps, c: CaseRecord, type: CaseEventType, at: string, data: Record<string, unknown>): Promise<void> {
  const chosen = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
  await record(deps, { caseId: c.caseId, at, type, actor: { kind: 'system' }, data: chosen });
}

/**
 * Emails the regency admin that an official can no longer be mailed, with the open tasks in their
 * name (the cases whose current step is assigned to them), once per official per day. A failed
 * email releases the claim: the next event about them tries again.
 */
async function tellAdmin(deps: MailEventDeps, official: Person, reason: 'bounce' | 'complaint', at: string): Promise<void> {
  const admin = deps.directory.admin;
  if (admin.id === official.id) return; // the admin's own address: nobody to tell by email (the log and alarm remain)
  const scope = `regency-${deps.directory.regency.id}`;
  const key = `unreachable#${official.id}#${deps.calendar.localDate(new Date(at))}`;
  if (!(await deps.store.claimOnce(scope, key))) return;
  try {
    const openTasks: { trackingId: string; stepName: string; dueAt?: string }[] = [];
    for (const agency of deps.directory.agencies) {
      for await (const x of deps.store.caseHeadsByAgencyStatus(agency.id, 'in_progress')) {
        if (x.currentStep?.assigneeId !== official.id) continue;
        const step = deps.getSop(x.sopId).steps.find((s) => s.id === x.currentStep!.stepId);
        openTasks.push({ trackingId: x.trackingId, stepName: step?.name[admin.language] ?? x.currentStep.stepId, dueAt: x.currentStep.dueAt });
      }
    }
    const email = renderEmail({ template: 'officialUnreachable', recipientName: admin.name, official: { name: official.name, title: official.title, id: official.id }, reason, at, openTasks }, admin.language);
    await deps.mailer.send({ from: deps.mailFrom, to: [admin.email], ...email, tags: { template: 'officialUnreachable' } });
    deps.log.warn('regency admin told of an unreachable official', { personId: official.id, openTasks: openTasks.length });
  } catch (err) {
    await deps.store.release(scope, key);
    deps.log.warn('could not tell the regency admin of an unreachable official; the next event retries', { personId: official.id, errorName: err instanceof Error ? err.name : 'unknown' });
  }
}
