/**
 * Crash at any point of a report review's handlers, converge to the uninterrupted end state — the
 * same tasks, active grants, claims and emails — as test/unit/crash-points.test.ts holds the case
 * handlers to. The paths: a turn's task opened (the first, with the P4 letters; a later one, from
 * the decision before it), the reminder and the escalation, a reviewer's decision (the POST), and the
 * delivery of the approved report. One difference is allowed: a death between SES accepting an email
 * and its mark sends it once more, and then the newest email's link works.
 */
import { hashKey } from '../../shared/case/keys';
import { Conflict } from '../../shared/errors';
import type { Deps } from '../../shared/usecases/deps';
import { actOnReview, deliverReview, openReviewTask, reviewId, reviewNotice } from '../../shared/usecases/report-review';
import type { ReviewRequest } from '../../shared/workflow/review-contract';
import { demoDirectory } from '../../shared/directory';
import { addressHash } from '../../shared/usecases/mail-events';
import { CrashPlan, CrashWorld } from '../support/crash-points';

const library = { sopId: 'perpustakaan-muba', reportId: 'rekap-bulanan', periodId: '2026-11', startedAt: '2026-12-01T08:00:00+07:00' };
const p4 = { sopId: 'sp4n-lapor-muara-enim', reportId: 'laporan-p4', periodId: '2026-Q4', startedAt: '2027-01-04T08:00:00+07:00' };
const base = (input: typeof library, turn: number, enteredAt: string) => ({ ...input, turn, executionId: `arn:aws:states:ap-southeast-3:000000000000:execution:review:${input.sopId}-${input.reportId}-${input.periodId}`, enteredAt });
const NOTES = 'Catatan "kasi":\nbaris \\ dua\t<b>🙂';
const KEY = /\/reviews\/([A-Za-z0-9_-]{43})/;

type Run = { review: ReviewRequest } | { act: { key: string; body: Record<string, string> } };

async function run(deps: Deps, r: Run): Promise<unknown> {
  if ('act' in r) {
    // A POST repeated after the decision was stored and delivered answers 409: the same end state.
    return actOnReview(deps, r.act.key, r.act.body, { lang: 'id', now: new Date('2026-12-01T01:03:00Z'), viaForm: false }).catch((err: unknown) => {
      if (!(err instanceof Conflict)) throw err;
    });
  }
  const req = r.review;
  switch (req.kind) {
    case 'reviewOpen': return openReviewTask(deps, req);
    case 'reviewNotice': return reviewNotice(deps, req);
    case 'reviewDeliver': return deliverReview(deps, req);
    default: throw new Error(req.kind);
  }
}

const keyOfNewest = (world: CrashWorld) => KEY.exec(world.sent.at(-1)!.text)![1]!;
/** The first turn open, its task mailed. */
const opened = async (d: Deps, input = library) => openReviewTask(d, { ...base(input, 1, input.startedAt), kind: 'reviewOpen', taskToken: 'token-1' });

const scenarios: [string, (world: CrashWorld) => Promise<Run>][] = [
  ['open the first turn (the library recap)', async () => ({ review: { ...base(library, 1, library.startedAt), kind: 'reviewOpen', taskToken: 'token-1' } })],
  ['open the first turn (the P4 report, with its letters and monitoring figures)', async () => ({ review: { ...base(p4, 1, p4.startedAt), kind: 'reviewOpen', taskToken: 'token-1' } })],
  ['a reviewer decides (notes kept exactly), then the execution is told', async (w) => {
    await opened(w.deps());
    return { act: { key: keyOfNewest(w), body: { action: 'teruskan', notes: NOTES } } };
  }],
  ['open a later turn from the decision before it', async (w) => {
    await opened(w.deps());
    await actOnReview(w.deps(), keyOfNewest(w), { action: 'teruskan', notes: NOTES }, { lang: 'id', now: new Date('2026-12-01T01:03:00Z'), viaForm: false });
    return { review: { ...base(library, 2, '2026-12-01T08:03:01+07:00'), kind: 'reviewOpen', taskToken: 'token-2' } };
  }],
  ['remind a late reviewer', async (w) => {
    await opened(w.deps());
    return { review: { ...base(library, 1, '2026-12-01T08:07:00+07:00'), kind: 'reviewNotice', notice: 'reminder' } };
  }],
  ['tell the late reviewer\'s superior', async (w) => {
    await opened(w.deps());
    return { review: { ...base(library, 1, '2026-12-01T08:10:00+07:00'), kind: 'reviewNotice', notice: 'escalation' } };
  }],
  ['deliver the approved P4 report to the Bupati', async (w) => {
    await opened(w.deps(), p4);
    await actOnReview(w.deps(), keyOfNewest(w), { action: 'setujui', notes: NOTES }, { lang: 'id', now: new Date('2027-01-04T03:00:00Z'), viaForm: false });
    return { review: { ...base(p4, 1, '2027-01-04T10:00:01+07:00'), kind: 'reviewDeliver' } };
  }],
];

/** Whether the newest email of each recipient and subject carries a review link that opens its task. */
async function brokenReviewLinks(world: CrashWorld): Promise<string[]> {
  const newest = new Map<string, { text: string }>();
  for (const m of world.sent) newest.set(`${m.to.join()}|${m.subject}`, m);
  const broken: string[] = [];
  for (const [id, m] of newest) {
    const key = KEY.exec(m.text)?.[1];
    if (!key) continue;
    const link = await world.store.getTaskLink(hashKey(key));
    if (!link || (link.grant && link.grant.status !== 'active')) broken.push(id);
  }
  return broken;
}

const emails = (world: CrashWorld) => world.sent.map((m) => `${m.to.join()}|${m.subject}|${m.text.replace(KEY, '/reviews/KEY')}`);

test.each(scenarios)('%s: a death at any point, then a re-run, ends as the uninterrupted run', async (name, prepare) => {
  // Prepare: the uninterrupted run, counting its crash points.
  const reference = new CrashWorld(name);
  const request = await prepare(reference);
  const counting = new CrashPlan();
  await run(reference.deps(counting), request);
  const points = counting.count;
  expect(points).toBeGreaterThan(2);
  expect(await brokenReviewLinks(reference)).toEqual([]);

  for (let n = 1; n <= points; n++) {
    // Act: die at point n; run again with the same request; and once more (it must settle).
    const world = new CrashWorld(name);
    expect(await prepare(world)).toEqual(request);
    const plan = new CrashPlan(n);
    await run(world.deps(plan), request).catch(() => undefined);
    expect({ point: n, died: plan.dead }).toEqual({ point: n, died: true });
    await run(world.deps(), request);
    await run(world.deps(), request);

    // Assess: the same end state; the same emails, one of them at most once more; links that work.
    expect({ point: plan.diedAt, state: world.state() }).toEqual({ point: plan.diedAt, state: reference.state() });
    const got = emails(world);
    const want = emails(reference);
    expect({ point: plan.diedAt, emails: [...new Set(got)] }).toEqual({ point: plan.diedAt, emails: [...new Set(want)] });
    expect(got.length - want.length).toBeLessThanOrEqual(1);
    expect({ point: plan.diedAt, broken: await brokenReviewLinks(world) }).toEqual({ point: plan.diedAt, broken: [] });
  }
}, 240_000);

test('the decision is stored word for word before the execution hears of it, and the P4 turn holds its letters', async () => {
  const world = new CrashWorld('words');
  await opened(world.deps(), p4);
  const task = (await world.store.getTask(reviewId(p4.sopId, p4.reportId, p4.periodId), 'reportReview#turn-1#1'))!;
  expect(task.review).toMatchObject({ turn: 1, turns: 1, letters: [], notes: [] });
  expect(task.review!.figures.map((f) => f.label)).toEqual(expect.arrayContaining(['Pemantauan APIP dibuka', 'Teguran diterbitkan Bupati']));
  await actOnReview(world.deps(), keyOfNewest(world), { action: 'setujui', notes: NOTES }, { lang: 'id', now: new Date('2027-01-04T03:00:00Z'), viaForm: false });
  const done = (await world.store.getTask(task.caseId, task.slot))!;
  expect(done.given).toMatchObject({ action: 'setujui', fields: { notes: NOTES } });
});

test('the approved report to a recipient whose address bounced: not mailed, passed over, the delivery done all the same (no retry, no parked state)', async () => {
  const world = new CrashWorld('review-delivery-suppressed');
  await opened(world.deps(), p4);
  await actOnReview(world.deps(), keyOfNewest(world), { action: 'setujui', notes: NOTES }, { lang: 'id', now: new Date('2027-01-04T03:00:00Z'), viaForm: false });
  await world.suppressions.put({ addressHash: addressHash(demoDirectory.bupati.email), reason: 'bounce', at: '2027-01-04T09:00:00+07:00' });
  const before = world.sent.length;

  const request: ReviewRequest = { ...base(p4, 1, '2027-01-04T10:00:01+07:00'), kind: 'reviewDeliver' };
  const first = await deliverReview(world.deps(), request);
  const again = await deliverReview(world.deps(), request);

  expect(first).toEqual({ sentTo: [] });
  expect(again).toEqual({ sentTo: [] });
  expect(world.sent.slice(before)).toEqual([]);
});
