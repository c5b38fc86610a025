/**
 * Dashboards by role as use cases, on the in-memory stores (the adapter's gsi5 is held to the same
 * order and ranges by test/functions/dashboard.test.ts): who has which dashboard, counts by step and
 * SLA state, the list and its signed cursor, filters and search, confidential reporters, the CSV,
 * and opening a case's task page from a dashboard.
 */
import type { CaseRecord } from '../../shared/case/model';
import type { TaskRecord } from '../../shared/case/task';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import { Forbidden, ValidationFailed } from '../../shared/errors';
import { getSop } from '../../shared/sops';
import { agencyDashboard, dashboardExport, dashboardGrantHolds, dashboardViewer, openFromDashboard, parseDashboardQuery, regencyOverview, type DashboardViewer } from '../../shared/usecases/dashboard';
import { completeSignIn, currentOfficial, requestSignIn, type SignedIn, type SignInDeps } from '../../shared/usecases/signin';
import { viewTask } from '../../shared/usecases/tasks';
import { dashboardCsv, renderAgencyDashboard } from '../../shared/web/dashboard';
import type { OutgoingEmail } from '../../shared/ports';
import { MemoryCaseStore, MemorySessionStore } from '../support/memory-case-store';

/** Monday 7 December 2026, 09:00 WIB. */
const monday = new Date('2026-12-07T02:00:00Z');

function setup() {
  const sent: OutgoingEmail[] = [];
  const deps: SignInDeps = {
    store: new MemoryCaseStore(), sessions: new MemorySessionStore(), directory: demoDirectory, directoryVersion: 1,
    workflow: { start: async () => ({ executionArn: 'arn' }), taskSucceeded: async () => undefined, taskFailed: async () => undefined },
    calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async (m) => { sent.push(m); return { messageId: `m${sent.length}` }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'noreply@tanggap.example', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    log: { info: () => undefined, warn: () => undefined },
  };
  return { deps, sent };
}

async function signedIn(deps: SignInDeps, sent: OutgoingEmail[], email: string): Promise<SignedIn> {
  await requestSignIn(deps, { email, now: monday, lang: 'id' });
  const key = /\/masuk\/([A-Za-z0-9_-]{43})/.exec(sent.at(-1)!.text)![1]!;
  const { secret } = await completeSignIn(deps, key, monday);
  return (await currentOfficial(deps, secret, monday))!;
}

let n = 0;
/** A Health Office case at `stepId`, due at `dueAt` (none: no deadline), with its open task. */
async function aCase(deps: SignInDeps, over: Partial<CaseRecord> & { stepId?: string; dueAt?: string; assigneeId?: string } = {}): Promise<CaseRecord> {
  n++;
  const { stepId = 'telaah', dueAt, assigneeId = 'dinkes-petugas', ...rest } = over;
  const c: CaseRecord = {
    caseId: `case-${String(n).padStart(4, '0')}`, trackingId: `TGP-DASH-${String(n).padStart(4, '0')}-X`, agencyId: 'dinkes-muba', sopId: 'dinkes-muba',
    status: 'in_progress', channel: 'web', language: 'id', title: `Antrean "puskesmas" <${n}>`, description: 'Antrean terlalu lama di puskesmas.', category: 'pelayanan',
    reporter: { name: `Pelapor ${n}`, email: `p${n}@example.com` }, anonymous: false, confidential: false,
    submittedAt: '2026-12-01T09:00:00+07:00', month: '2026-12', replies: 0, verdicts: [], escalations: [], deliveryFailures: 0, version: 1,
    currentStep: { stepId, visit: 1, role: 'petugas', startedAt: '2026-12-01T09:00:00+07:00', ...(dueAt ? { dueAt } : {}), assigneeId },
    ...rest,
  };
  await deps.store.createCase(c, { caseId: c.caseId, at: c.submittedAt, type: 'submitted', actor: { kind: 'reporter' } });
  if (c.currentStep) {
    const task: TaskRecord = {
      caseId: c.caseId, slot: `official#${c.currentStep.stepId}#1`, kind: 'official', stepId: c.currentStep.stepId, visit: 1, keyHash: `own-${n}`, taskToken: `t-${n}`,
      status: 'open', role: 'petugas', assigneeId, openedAt: c.submittedAt, ...(dueAt ? { dueAt } : {}), version: 1,
    };
    await deps.store.putTask(task);
  }
  return c;
}

const ids = (email: string) => demoDirectory.agencies.flatMap((a) => [a.head, ...a.officials]).concat([demoDirectory.bupati, demoDirectory.admin, demoDirectory.inspectorate.head, ...demoDirectory.inspectorate.officials]).filter((p) => p.email === email).map((p) => p.id);
const viewerOf = (email: string) => dashboardViewer(demoDirectory, [...new Set(ids(email))]);

describe('who has which dashboard', () => {
  test.each([
    ['kepala@dinkes.musitanggap.example.go.id', false, ['dinkes-muba']],
    ['plt.kepala@dinkes.musitanggap.example.go.id', false, ['dinkes-muba']], // Plt of the head
    ['kepala@perpus.musitanggap.example.go.id', false, ['perpus-muba']],
    ['bupati@musitanggap.example.go.id', true, demoDirectory.agencies.map((a) => a.id)],
    ['admin.lapor@kominfo.musitanggap.example.go.id', true, demoDirectory.agencies.map((a) => a.id)],
    ['inspektur@inspektorat.musitanggap.example.go.id', true, demoDirectory.agencies.map((a) => a.id)],
  ])('%s: regency-wide %s, agencies %j', (email, regency, agencies) => {
    expect(viewerOf(email)).toMatchObject({ regency, agencyIds: agencies });
  });

  test.each(['pengaduan@dinkes.musitanggap.example.go.id', 'plh.pengaduan@dinkes.musitanggap.example.go.id', 'auditor@inspektorat.musitanggap.example.go.id', 'plh.kabid@perpus.musitanggap.example.go.id'])('%s has none (their inbox only)', (email) => {
    expect(viewerOf(email)).toBeUndefined();
  });

  test('a head may not open another agency\'s dashboard (403); a bad filter is a 400 naming each field, in both languages', () => {
    const { deps } = setup();
    const head = viewerOf('kepala@dinkes.musitanggap.example.go.id')!;
    expect(() => parseDashboardQuery(deps, head, { agency: 'perpus-muba' }, monday)).toThrow(Forbidden);
    try {
      parseDashboardQuery(deps, head, { category: 'koleksi', channel: 'fax', from: '2026-13-01', to: '2026-12-01', state: 'soon', q: '<script>' }, monday);
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationFailed);
      const issues = (err as ValidationFailed).issues;
      expect(issues.map((i) => i.path).sort()).toEqual(['category', 'channel', 'from', 'q', 'state']);
      for (const i of issues) expect(i.message).toMatch(/ \/ /); // Indonesian / English
    }
    expect(() => parseDashboardQuery(deps, head, { from: '2026-12-05', to: '2026-12-01' }, monday)).toThrow(ValidationFailed);
    // Escalation filters are regency-wide views' only.
    expect(parseDashboardQuery(deps, head, { escalated: '1', reprimand: '1' }, monday).filter).toEqual({});
  });
});

describe('an agency\'s dashboard', () => {
  async function fixture() {
    const { deps, sent } = setup();
    // Monday 09:00 WIB: late is due at or before now; due soon, within one working day (the inbox's rule); on time, later.
    const lateOld = await aCase(deps, { stepId: 'registrasi', dueAt: '2026-12-02T10:00:00+07:00', confidential: true });
    const lateNow = await aCase(deps, { stepId: 'analisa', dueAt: '2026-12-07T09:00:00+07:00', assigneeId: 'dinkes-tim', channel: 'email' });
    const lateMid = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-04T16:00:00+07:00', anonymous: true, reporter: undefined, category: 'obat' });
    const soon = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-08T09:00:00+07:00' });
    const later = await aCase(deps, { stepId: 'analisa', dueAt: '2026-12-09T09:00:00+07:00', assigneeId: 'dinkes-tim' });
    const none = await aCase(deps, { status: 'received', currentStep: undefined });
    await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-01T10:00:00+07:00', status: 'closed', closedAt: '2026-12-02T10:00:00+07:00' }); // closed: not counted
    await aCase(deps, { agencyId: 'perpus-muba', sopId: 'perpustakaan-muba', stepId: 'catat', dueAt: '2026-12-01T10:00:00+07:00' }); // another agency
    return { deps, sent, lateOld, lateNow, lateMid, soon, later, none };
  }

  test('counts by step and SLA state; the late list, the longest overdue first, with who holds each; closed cases and other agencies\' are not there', async () => {
    const { deps, lateOld, lateNow, lateMid } = await fixture();
    const head = viewerOf('kepala@dinkes.musitanggap.example.go.id')!;
    const d = await agencyDashboard(deps, head, parseDashboardQuery(deps, head, {}, monday), monday, 'id');
    expect(d.totals).toEqual({ late: 3, due_soon: 1, on_time: 1, none: 1 });
    const byStep = Object.fromEntries(d.steps.map((s) => [s.stepId, s.counts]));
    expect(byStep.registrasi).toEqual({ late: 1, due_soon: 0, on_time: 0, none: 0 });
    expect(byStep.telaah).toEqual({ late: 1, due_soon: 1, on_time: 0, none: 0 });
    expect(byStep.analisa).toEqual({ late: 1, due_soon: 0, on_time: 1, none: 0 });
    expect(byStep._).toEqual({ late: 0, due_soon: 0, on_time: 0, none: 1 });
    expect(d.rows.map((r) => r.trackingId)).toEqual([lateOld.trackingId, lateMid.trackingId, lateNow.trackingId]);
    expect(d.rows.every((r) => r.state === 'late')).toBe(true);
    const dinkes = demoDirectory.agencies.find((a) => a.id === 'dinkes-muba')!;
    expect(d.rows[2]!.holder).toEqual({ name: dinkes.officials.find((o) => o.id === 'dinkes-tim')!.name, title: dinkes.officials.find((o) => o.id === 'dinkes-tim')!.title });
    expect(d.next).toBeUndefined();
  });

  test('filters (category, channel, received between) and the search by tracking number, within the viewer\'s agencies only', async () => {
    const { deps, lateNow, lateMid, soon } = await fixture();
    const head = viewerOf('kepala@dinkes.musitanggap.example.go.id')!;
    const q = (p: Record<string, string>) => parseDashboardQuery(deps, head, p, monday);
    expect((await agencyDashboard(deps, head, q({ category: 'obat' }), monday, 'id')).rows.map((r) => r.trackingId)).toEqual([lateMid.trackingId]);
    expect((await agencyDashboard(deps, head, q({ channel: 'email', state: 'all' }), monday, 'id')).rows.map((r) => r.trackingId)).toEqual([lateNow.trackingId]);
    // Received between two local days, inclusive: 1 December 09:00 WIB is in; the 2nd onwards is out.
    await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-03T10:00:00+07:00', submittedAt: '2026-12-02T00:00:00+07:00' });
    const first = await agencyDashboard(deps, head, q({ from: '2026-12-01', to: '2026-12-01' }), monday, 'id');
    expect(first.totals.late).toBe(3);
    expect((await agencyDashboard(deps, head, q({ from: '2026-12-02' }), monday, 'id')).totals.late).toBe(1);
    const found = await agencyDashboard(deps, head, q({ q: soon.trackingId.toLowerCase() }), monday, 'id');
    expect(found.searched).toEqual({ trackingId: soon.trackingId, found: true });
    expect(found.rows.map((r) => [r.trackingId, r.state])).toEqual([[soon.trackingId, 'due_soon']]);
    // Another agency's case is "not found" for this head.
    const perpusCase = [...(deps.store as MemoryCaseStore)['cases'].values()].find((c) => c.agencyId === 'perpus-muba')!;
    expect((await agencyDashboard(deps, head, q({ q: perpusCase.trackingId }), monday, 'id')).searched).toEqual({ trackingId: perpusCase.trackingId, found: false });
  });

  test('a regency-wide search finds a case in any agency and shows that agency\'s dashboard', async () => {
    const { deps, lateOld } = await fixture();
    const bupati = viewerOf('bupati@musitanggap.example.go.id')!;
    const d = await agencyDashboard(deps, bupati, parseDashboardQuery(deps, bupati, { q: lateOld.trackingId }, monday), monday, 'en');
    expect(d.agency.id).toBe('dinkes-muba');
    expect(d.searched).toEqual({ trackingId: lateOld.trackingId, found: true });
    expect(d.rows.map((r) => r.trackingId)).toEqual([lateOld.trackingId]);
  });

  test('confidential reporters are hidden from roles that may not see them: the head and the Bupati do not; the regency admin (who registers SP4N-LAPOR! cases) does', async () => {
    const { deps, lateOld, lateMid } = await fixture();
    const lapor = await aCase(deps, { agencyId: 'kominfo-muara-enim', sopId: 'sp4n-lapor-muara-enim', stepId: 'verifikasi', dueAt: '2026-12-02T10:00:00+07:00', confidential: true, reporter: { name: 'Rahasia <b>Sekali</b>' } });
    const head = viewerOf('kepala@dinkes.musitanggap.example.go.id')!;
    const rows = (await agencyDashboard(deps, head, parseDashboardQuery(deps, head, {}, monday), monday, 'id')).rows;
    expect(rows.find((r) => r.trackingId === lateOld.trackingId)!.reporter).toBe('hidden');
    expect(rows.find((r) => r.trackingId === lateMid.trackingId)!.reporter).toBe('anonymous');
    expect(rows.find((r) => r.reporter !== 'hidden' && r.reporter !== 'anonymous')!.reporter).toEqual({ name: expect.stringMatching(/^Pelapor /) });
    const rowFor = async (viewer: DashboardViewer) => (await agencyDashboard(deps, viewer, parseDashboardQuery(deps, viewer, { agency: 'kominfo-muara-enim' }, monday), monday, 'id')).rows.find((r) => r.trackingId === lapor.trackingId)!;
    expect((await rowFor(viewerOf('bupati@musitanggap.example.go.id')!)).reporter).toBe('hidden');
    expect((await rowFor(viewerOf('admin.lapor@kominfo.musitanggap.example.go.id')!)).reporter).toEqual({ name: 'Rahasia <b>Sekali</b>' });
    // The page escapes it; the CSV never carries a reporter.
    const html = renderAgencyDashboard({ lang: 'id', name: 'x', title: 'y', now: monday, regency: true, agencies: [], query: parseDashboardQuery(deps, viewerOf('admin.lapor@kominfo.musitanggap.example.go.id')!, { agency: 'kominfo-muara-enim' }, monday), data: await agencyDashboard(deps, viewerOf('admin.lapor@kominfo.musitanggap.example.go.id')!, parseDashboardQuery(deps, viewerOf('admin.lapor@kominfo.musitanggap.example.go.id')!, { agency: 'kominfo-muara-enim' }, monday), monday, 'id') });
    expect(html).toContain('Rahasia &lt;b&gt;Sekali&lt;/b&gt;');
    expect(html).not.toContain('<b>Sekali');
    const csv = dashboardCsv((await dashboardExport(deps, viewerOf('admin.lapor@kominfo.musitanggap.example.go.id')!, parseDashboardQuery(deps, viewerOf('admin.lapor@kominfo.musitanggap.example.go.id')!, { agency: 'kominfo-muara-enim', state: 'all' }, monday), monday, 'id')).rows, 'id', false);
    expect(csv).not.toContain('Sekali');
  });

  test('the list pages with a signed cursor that names its agency, state and filter: tampered or carried elsewhere, it is a 400', async () => {
    const { deps } = setup();
    const made: CaseRecord[] = [];
    for (let i = 0; i < 60; i++) made.push(await aCase(deps, { stepId: ['registrasi', 'telaah', 'analisa'][i % 3], dueAt: new Date(Date.UTC(2026, 11, 1, 3, i)).toISOString() }));
    const bupati = viewerOf('bupati@musitanggap.example.go.id')!;
    const q = (p: Record<string, string>) => parseDashboardQuery(deps, bupati, { agency: 'dinkes-muba', ...p }, monday);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const d = await agencyDashboard(deps, bupati, q(cursor ? { cursor } : {}), monday, 'id');
      seen.push(...d.rows.map((r) => r.trackingId));
      cursor = d.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(3); // 25 + 25 + 10
    expect(seen).toEqual(made.map((c) => c.trackingId)); // by deadline across the steps, none twice
    const first = (await agencyDashboard(deps, bupati, q({}), monday, 'id')).next!;
    const [body, mac] = first.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), a: 'perpus-muba' })).toString('base64url');
    await expect(agencyDashboard(deps, bupati, q({ cursor: `${forged}.${mac}` }), monday, 'id')).rejects.toThrow(ValidationFailed);
    await expect(agencyDashboard(deps, bupati, parseDashboardQuery(deps, bupati, { agency: 'perpus-muba', cursor: first }, monday), monday, 'id')).rejects.toThrow(ValidationFailed);
    await expect(agencyDashboard(deps, bupati, q({ state: 'all', cursor: first }), monday, 'id')).rejects.toThrow(ValidationFailed);
    await expect(agencyDashboard(deps, bupati, q({ category: 'obat', cursor: first }), monday, 'id')).rejects.toThrow(ValidationFailed);
  });

  test('regency-wide: every agency\'s line with escalations and reprimand recommendations, and what became of each recommendation (events.md)', async () => {
    const { deps } = await fixture();
    const esc = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-02T10:00:00+07:00', escalations: [{ level: 2, to: 'head', at: '2026-12-03T10:00:00+07:00', stepId: 'telaah', visit: 1, kind: 'escalation' }] });
    const rep = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-02T11:00:00+07:00', escalations: [{ level: 4, to: 'inspectorate', at: '2026-12-04T10:00:00+07:00', stepId: 'telaah', visit: 1, kind: 'reprimand' }] });
    await deps.store.appendEvent({ caseId: rep.caseId, at: '2026-12-05T10:00:00+07:00', type: 'reprimand_issued' as never, actor: { kind: 'official', personId: 'bupati', role: 'bupati' }, data: { reference: '800/12/2026', issuedOn: '2026-12-05' } });
    const bupati = viewerOf('bupati@musitanggap.example.go.id')!;
    const overview = await regencyOverview(deps, bupati, monday, 'id');
    expect(overview.find((a) => a.agency.id === 'dinkes-muba')).toMatchObject({ totals: { late: 5, due_soon: 1, on_time: 1, none: 1 }, escalated: 2, reprimands: 1 });
    expect(overview.find((a) => a.agency.id === 'perpus-muba')).toMatchObject({ totals: { late: 1 }, escalated: 0 });
    const reprimands = await agencyDashboard(deps, bupati, parseDashboardQuery(deps, bupati, { agency: 'dinkes-muba', state: 'all', reprimand: '1' }, monday), monday, 'id');
    expect(reprimands.rows.map((r) => [r.trackingId, r.escalationLevel, r.reprimandOutcome])).toEqual([[rep.trackingId, 4, { kind: 'issued', reference: '800/12/2026', issuedOn: '2026-12-05' }]]);
    const escalated = await agencyDashboard(deps, bupati, parseDashboardQuery(deps, bupati, { agency: 'dinkes-muba', state: 'all', escalated: '1' }, monday), monday, 'id');
    expect(escalated.rows.map((r) => r.trackingId)).toEqual([esc.trackingId, rep.trackingId]);
    await expect(regencyOverview(deps, viewerOf('kepala@dinkes.musitanggap.example.go.id')!, monday, 'id')).rejects.toThrow(Forbidden);
  });

  test('a head opens a late case\'s task page: view only, confidential reporter hidden; the grant lapses when they leave the head\'s office', async () => {
    const { deps, sent, lateOld } = await fixture();
    const who = await signedIn(deps, sent, 'kepala@dinkes.musitanggap.example.go.id');
    const viewer = dashboardViewer(deps.directory, who.personIds)!;
    const key = await openFromDashboard(deps, viewer, who, lateOld.caseId, monday);
    expect(await openFromDashboard(deps, viewer, who, lateOld.caseId, monday)).toBe(key); // the same click, the same grant
    const { view } = await viewTask(deps, key, 'id');
    expect(view.case.trackingId).toBe(lateOld.trackingId);
    expect(view.case.reporter).toBe('hidden');
    expect(view.link).toMatchObject({ holder: 'grant', may: 'view', reason: 'dashboard' });
    // A case of another agency: not on this dashboard.
    const perpusCase = [...(deps.store as MemoryCaseStore)['cases'].values()].find((c) => c.agencyId === 'perpus-muba')!;
    await expect(openFromDashboard(deps, viewer, who, perpusCase.caseId, monday)).rejects.toThrow(/not found|tidak ditemukan|No such/i);
    expect(dashboardGrantHolds(deps.directory, lateOld, { personId: 'dinkes-kadin' })).toBe(true);
    expect(dashboardGrantHolds(deps.directory, lateOld, { personId: 'dinkes-petugas' })).toBe(false);
  });
});

describe('the CSV', () => {
  test('UTF-8 with a BOM, every cell quoted, quotes doubled, line breaks kept inside the cell, formulas neutralised', async () => {
    const { deps } = setup();
    const evil = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-02T10:00:00+07:00', title: '=HYPERLINK("http://x","klik")' });
    const multi = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-02T11:00:00+07:00', title: 'Baris satu\r\nbaris "dua"\tdan 🙂' });
    const plus = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-02T12:00:00+07:00', title: '+62 812 hubungi' });
    const at = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-02T13:00:00+07:00', title: '@SUM(A1)' });
    const minus = await aCase(deps, { stepId: 'telaah', dueAt: '2026-12-02T14:00:00+07:00', title: '-1+1' });
    const head = viewerOf('kepala@dinkes.musitanggap.example.go.id')!;
    const { rows, truncated } = await dashboardExport(deps, head, parseDashboardQuery(deps, head, {}, monday), monday, 'en');
    expect(truncated).toBe(false);
    const csv = dashboardCsv(rows, 'en', truncated);
    expect(csv.startsWith('\uFEFF"Tracking number","Step",')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""klik"")"`);
    expect(csv).toContain('"Baris satu\r\nbaris ""dua""\tdan 🙂"');
    expect(csv).toContain(`"'+62 812 hubungi"`);
    expect(csv).toContain(`"'@SUM(A1)"`);
    expect(csv).toContain(`"'-1+1"`);
    for (const c of [evil, multi, plus, at, minus]) expect(csv).toContain(`"${c.trackingId}"`);
    expect(csv).not.toMatch(/Pelapor \d|@example\.com/);
  });
});
