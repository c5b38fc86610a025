/**
 * A refused email is recorded on the case and raised as MailDeliveryFailed (the state machine retries
 * it with backoff); once SES accepts it, it is sent exactly once.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import type { OutgoingEmail, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { notify } from '../../shared/usecases/workflow';
import { MemoryCaseStore } from '../support/memory-case-store';

test('a refused acknowledgement is recorded on the case, raised for retry, and sent once when SES accepts it', async () => {
  // Prepare: a mailer that refuses twice, then accepts.
  const sent: OutgoingEmail[] = [];
  let refusals = 2;
  const workflow: Workflow = { start: async (_s, name) => ({ executionArn: `arn:local:${name}` }), taskSucceeded: async () => undefined, taskFailed: async () => undefined };
  const store = new MemoryCaseStore();
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async (m) => { if (refusals-- > 0) throw Object.assign(new Error('Throttling'), { name: 'Throttling' }); sent.push(m); return { messageId: 'm' }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
  };
  const parsed = parseComplaint({ agencyId: 'dinkes-muba', category: 'obat', title: 'Obat kosong', description: 'Obat di puskesmas kosong sejak dua minggu.', reporter: { email: 'warga@example.com' } }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId } = await submitComplaint(deps, parsed.complaint, new Date('2026-11-23T02:00:00Z'), 'id');
  const request = { caseId, executionId: 'arn:local:x', enteredAt: '2026-11-23T09:00:00+07:00', template: 'acknowledgement' as const };

  // Act and assess: two refusals, each recorded and raised; then one email, and a retry sends nothing more.
  await expect(notify(deps, request)).rejects.toMatchObject({ name: 'MailDeliveryFailed' });
  await expect(notify(deps, request)).rejects.toMatchObject({ name: 'MailDeliveryFailed' });
  await notify(deps, request);
  await notify(deps, request);
  expect(sent).toHaveLength(1);
  expect(sent[0]!.to).toEqual(['warga@example.com']);
  const c = (await store.getCase(caseId))!;
  expect(c.deliveryFailures).toBe(2);
  const events = (await store.listEvents(caseId)).map((e) => e.type);
  expect(events.filter((t) => t === 'email_failed')).toHaveLength(2);
  expect(events.filter((t) => t === 'email_sent')).toHaveLength(1);
});
