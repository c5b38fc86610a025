/**
 * Mail that does not arrive (shared/usecases/mail-events.ts): SES's bounce and complaint events are
 * recorded on the case without the address, suppress the address, tell the regency admin once a day
 * when it is an official's (naming their open tasks), and count; the suppressing Mailer stops mail
 * to a suppressed address. The SES adapter carries the case in message tags.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import type { MetricName, OutgoingEmail } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint } from '../../shared/usecases/complaints';
import { addressHash, handleMailEvent, RecipientSuppressed, SesMailEvent, suppressingMailer, type MailEventDeps } from '../../shared/usecases/mail-events';
import { messageTags } from '../../functions/adapters/ses-mailer';
import { MemoryCaseStore } from '../support/memory-case-store';
import { MemorySuppressionList } from '../support/memory-suppressions';

const NOW = new Date('2026-11-23T02:30:00Z');
const agency = demoDirectory.agencies.find((a) => a.id === 'perpus-muba')!;
const official = agency.officials[0]!;

function world() {
  const store = new MemoryCaseStore();
  const suppressions = new MemorySuppressionList();
  const counted: MetricName[] = [];
  const sent: OutgoingEmail[] = [];
  const metrics = { count: (name: MetricName, n = 1) => { for (let i = 0; i < n; i++) counted.push(name); } };
  const deps: MailEventDeps & { publicUrl: string } = {
    store, suppressions, metrics, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: suppressingMailer({ send: async (m) => { sent.push(m); return { messageId: `m-${sent.length}` }; } }, { suppressions, metrics }),
    mailFrom: 'tanggap@musitanggap.example.go.id', publicUrl: 'https://tanggap.example',
    log: { info: () => undefined, warn: () => undefined },
  };
  return { deps, store, suppressions, counted, sent };
}

/** A case of the library whose current step is assigned to `official`. */
async function caseOf(w: ReturnType<typeof world>, reporterEmail = 'warga@example.com') {
  const parsed = parseComplaint({ agencyId: agency.id, category: 'layanan', title: 'Buku rusak', description: 'Banyak buku di rak anak yang robek dan kotor.', reporter: { email: reporterEmail } }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const deps = { ...w.deps, workflow: { start: async (_s: string, name: string) => ({ executionArn: `arn:local:${name}` }), taskSucceeded: async () => undefined, taskFailed: async () => undefined }, linkSecret: 'x'.repeat(32), randomBytes: (n: number) => crypto.getRandomValues(new Uint8Array(n)) };
  const { caseId, trackingId } = await submitComplaint(deps, parsed.complaint, NOW, 'id');
  const c = (await w.store.getCase(caseId))!;
  await w.store.updateCase(caseId, c.version, { status: 'in_progress', currentStep: { stepId: 'catat', visit: 1, role: 'petugas', startedAt: '2026-11-23T09:30:00+07:00', dueAt: '2026-11-24T09:30:00+07:00', assigneeId: official.id } });
  return { caseId, trackingId };
}

const bounce = (to: string, tags: Record<string, string[]>, messageId = 'msg-1', bounceType = 'Permanent') => SesMailEvent.parse({
  eventType: 'Bounce',
  mail: { messageId, timestamp: '2026-11-23T02:31:00Z', source: 'tanggap@musitanggap.example.go.id', destination: [to], tags, headers: [{ name: 'To', value: to }] },
  bounce: { bounceType, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: to, status: '5.1.1' }], timestamp: '2026-11-23T02:31:05Z' },
});

describe('a bounce or complaint from SES', () => {
  test("an official's permanent bounce: on the case without the address, suppressed, counted, and the admin told once that day with the official's open tasks", async () => {
    // Prepare
    const w = world();
    const { caseId, trackingId } = await caseOf(w);
    const event = bounce(official.email.toUpperCase(), { caseId: [caseId], template: ['newTask'] });

    // Act: SES (EventBridge) delivers the event twice, and a second bounce of another message the same day.
    await handleMailEvent(w.deps, event);
    await handleMailEvent(w.deps, event);
    await handleMailEvent(w.deps, bounce(official.email, { caseId: [caseId], template: ['reminder'] }, 'msg-2'));

    // Assess: one event per message, naming the official by id; the address nowhere in the case's events.
    const events = (await w.store.listEvents(caseId)).filter((e) => e.type === 'mail_bounced');
    expect(events.map((e) => e.data)).toEqual([
      { template: 'newTask', recipient: official.id, suppressed: true, bounceType: 'Permanent', bounceSubType: 'General' },
      { template: 'reminder', recipient: official.id, suppressed: true, bounceType: 'Permanent', bounceSubType: 'General' },
    ]);
    expect(JSON.stringify(await w.store.listEvents(caseId))).not.toContain(official.email);
    expect(await w.suppressions.get(addressHash(official.email))).toMatchObject({ reason: 'bounce', bounceType: 'Permanent' });
    expect([...w.suppressions.records.values()].map((r) => JSON.stringify(r)).join()).not.toContain('@');
    expect(w.counted).toEqual(['MailBounced', 'MailBounced']);
    // The admin: one email, naming the official and the open task (its tracking id and step).
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]!.to).toEqual([demoDirectory.admin.email]);
    expect(w.sent[0]!.subject).toContain(official.name);
    expect(w.sent[0]!.text).toContain(trackingId);
    expect(w.sent[0]!.text).toContain(official.id);
  });

  test("a complaint about the reporter's acknowledgement: suppressed and counted, no admin email; a transient bounce only recorded", async () => {
    const w = world();
    const { caseId } = await caseOf(w, 'warga.marah@example.com');
    await handleMailEvent(w.deps, SesMailEvent.parse({
      eventType: 'Complaint', mail: { messageId: 'msg-3', tags: { caseId: [caseId], template: ['acknowledgement'] } },
      complaint: { complainedRecipients: [{ emailAddress: 'warga.marah@example.com' }], complaintFeedbackType: 'abuse', timestamp: '2026-11-23T03:00:00Z' },
    }));
    await handleMailEvent(w.deps, bounce('sibuk@example.com', { caseId: [caseId], template: ['closing'] }, 'msg-4', 'Transient'));

    const events = await w.store.listEvents(caseId);
    expect(events.find((e) => e.type === 'mail_complained')?.data).toEqual({ template: 'acknowledgement', recipient: 'reporter', suppressed: true });
    expect(events.find((e) => e.type === 'mail_bounced')?.data).toMatchObject({ recipient: 'unknown', suppressed: false, bounceType: 'Transient' });
    expect(await w.suppressions.get(addressHash('warga.marah@example.com'))).toMatchObject({ reason: 'complaint' });
    expect(await w.suppressions.get(addressHash('sibuk@example.com'))).toBeUndefined();
    expect(w.counted).toEqual(['MailComplained']);
    expect(w.sent).toHaveLength(0);
  });

  test('the parse keeps only what is used: headers and the sender are dropped; a malformed event is refused', () => {
    const parsed = bounce('x@example.com', {});
    expect(JSON.stringify(parsed)).not.toContain('headers');
    expect(JSON.stringify(parsed)).not.toContain('source');
    expect(SesMailEvent.safeParse({ eventType: 'Bounce', mail: {} }).success).toBe(false);
  });
});

describe('the suppressing Mailer', () => {
  test('a suppressed recipient is not mailed (counted), a message left with nobody is refused, and others go out', async () => {
    const w = world();
    await w.suppressions.put({ addressHash: addressHash('Gone@Example.com'), reason: 'bounce', at: '2026-11-23T09:00:00+07:00' });
    const message = { from: 'a@b.c', subject: 's', text: 't', html: 'h' };

    await expect(w.deps.mailer.send({ ...message, to: ['gone@example.com'] })).rejects.toBeInstanceOf(RecipientSuppressed);
    await w.deps.mailer.send({ ...message, to: ['gone@example.com'], cc: ['atasan@example.go.id'] });
    await w.deps.mailer.send({ ...message, to: ['ok@example.com'], cc: ['gone@example.com'] });

    expect(w.sent.map((m) => [m.to, m.cc])).toEqual([[['atasan@example.go.id'], undefined], [['ok@example.com'], []]]);
    expect(w.counted).toEqual(['EmailSuppressed', 'EmailSuppressed', 'EmailSuppressed']);
  });

  test('entries read with the case (`known`) stand for the list: those addresses are not read again, the others are', async () => {
    const w = world();
    const read: string[] = [];
    const get = w.suppressions.get.bind(w.suppressions);
    w.suppressions.get = async (hash) => { read.push(hash); return get(hash); };
    const bounced = { addressHash: addressHash('gone@example.com'), reason: 'bounce' as const, at: '2026-11-23T09:00:00+07:00' };
    // The list says nothing of either address: only what was read with the case tells.
    const known = new Map([[addressHash('ok@example.com'), undefined], [addressHash('Gone@Example.com'), bounced]]);
    const message = { from: 'a@b.c', subject: 's', text: 't', html: 'h' };

    await w.deps.mailer.send({ ...message, to: ['ok@example.com'] }, known);
    await expect(w.deps.mailer.send({ ...message, to: ['gone@example.com'] }, known)).rejects.toBeInstanceOf(RecipientSuppressed);
    expect(read).toEqual([]);
    // An address the caller did not read is looked up as always.
    await w.suppressions.put({ ...bounced, addressHash: addressHash('other@example.com') });
    await expect(w.deps.mailer.send({ ...message, to: ['other@example.com'] }, known)).rejects.toBeInstanceOf(RecipientSuppressed);
    expect(read).toEqual([addressHash('other@example.com')]);
    expect(w.sent.map((m) => m.to)).toEqual([['ok@example.com']]);
  });

  test('a refusal by SES is counted as EmailFailed and raised', async () => {
    const suppressions = new MemorySuppressionList();
    const counted: MetricName[] = [];
    const mailer = suppressingMailer({ send: async () => { throw Object.assign(new Error('Throttling'), { name: 'Throttling' }); } }, { suppressions, metrics: { count: (n) => counted.push(n) } });
    await expect(mailer.send({ from: 'a@b.c', to: ['x@example.com'], subject: 's', text: 't', html: 'h' })).rejects.toMatchObject({ name: 'Throttling' });
    expect(counted).toEqual(['EmailFailed']);
  });
});

test('SES message tags: the case and template, in the characters SES accepts', () => {
  expect(messageTags({ caseId: 'c0123abc', template: 'newTask' })).toEqual([{ Name: 'caseId', Value: 'c0123abc' }, { Name: 'template', Value: 'newTask' }]);
  expect(messageTags({ caseId: 'a.b@c d' })).toEqual([{ Name: 'caseId', Value: 'a_b_c_d' }]);
  expect(messageTags(undefined)).toBeUndefined();
});
