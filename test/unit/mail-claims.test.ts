/**
 * The email rule under re-runs, on the in-memory store: an email resent after a death in the window
 * (SES accepted it, the claim was not marked sent) is the same email, whatever instant the re-run
 * carries — a resumed execution on the local runtime enters its state again at a later time.
 */
import { parseComplaint } from '../../shared/case/complaint';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { notify, recordOutcome } from '../../shared/usecases/workflow';
import type { NotifyRequest } from '../../shared/workflow/contract';
import { CrashPlan, CrashWorld, normaliseKeys } from '../support/crash-points';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const execution = (caseId: string) => `arn:aws:states:ap-southeast-3:000000000000:execution:tanggap:${caseId}`;

/** A Health Office complaint (its first step has a limit), filed and started as intake and the first state leave it. */
async function filed(deps: Deps): Promise<string> {
  const parsed = parseComplaint({
    agencyId: 'dinkes-muba', category: 'obat', title: 'Obat "kosong" lagi',
    description: 'Obat di puskesmas kosong sejak dua minggu.\nSudah \\ ditanyakan\tdua kali 😀 <b>.',
    reporter: { name: 'Siti "Ina"', email: 'siti@example.com' },
  }, deps.directory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId } = await submitComplaint(deps, parsed.complaint, NOW, 'id');
  await recordOutcome(deps, { caseId, executionId: execution(caseId), enteredAt: '2026-11-23T09:30:01+07:00', kind: 'started' });
  return caseId;
}

const acknowledgement = (caseId: string, enteredAt: string): NotifyRequest => ({ caseId, executionId: execution(caseId), enteredAt, template: 'acknowledgement' });

test('an acknowledgement resent after a death in the window, by a run entered a day later, is the same email (its first step\'s due from the filing)', async () => {
  // Prepare: where the acknowledgement's run stands between SES's acceptance and the mark.
  const probe = new CrashWorld('ack-resend');
  const probeCase = await filed(probe.deps());
  const counting = new CrashPlan();
  await notify(probe.deps(counting), acknowledgement(probeCase, '2026-11-23T09:30:02+07:00'));
  const afterSend = counting.trace.indexOf('after mailer.send') + 1;
  expect(afterSend).toBeGreaterThan(0);

  const w = new CrashWorld('ack-resend');
  const caseId = await filed(w.deps());
  // Act: the run dies right after SES accepted; the execution resumes the next afternoon (a restart).
  await notify(w.deps(new CrashPlan(afterSend)), acknowledgement(caseId, '2026-11-23T09:30:02+07:00')).catch(() => undefined);
  await notify(w.deps(), acknowledgement(caseId, '2026-11-24T15:45:00+07:00'));

  // Assess: two copies (the documented window), word for word the same, and the same as an uninterrupted run's.
  const copies = w.sent.filter((m) => m.subject.startsWith('Pengaduan diterima'));
  expect(copies).toHaveLength(2);
  expect(normaliseKeys(copies[1]!.text)).toBe(normaliseKeys(copies[0]!.text));
  expect(copies[1]!.html).toBe(copies[0]!.html);
  expect(normaliseKeys(copies[0]!.text)).toBe(normaliseKeys(probe.sent[0]!.text));
  expect(await w.store.getMailClaim(caseId, 'notify#acknowledgement#-#0#0')).toMatchObject({ state: 'sent' });
});
