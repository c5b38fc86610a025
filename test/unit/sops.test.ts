import { sops, getSop } from '../../shared/sops';
import { parseSop, InvalidSop } from '../../shared/sop/validate';
import { EscalationRung, rungGrant, type SopInput } from '../../shared/sop/schema';
import lapor from '../../shared/sops/sp4n-lapor-muara-enim.sop.json';
import { readFileSync } from 'node:fs';
import { packedModule, packedPath, validatedJson, validatedPath } from '../../shared/sops/build';
import { packedSopIds, packedSops } from '../../shared/sops/validated-packed';
import { brotliDecompressSync } from 'node:zlib';
import { sopSources } from '../../shared/sops/sources';

const limitOf = (sopId: string, stepId: string) => getSop(sopId).steps.find((s) => s.id === stepId)?.limit;

describe('the four seed SOPs', () => {
  test('all four load, each naming its source', () => {
    expect(sops.map((s) => s.id).sort()).toEqual(['dinkes-muba', 'dukcapil-mura', 'perpustakaan-muba', 'sp4n-lapor-muara-enim']);
    for (const sop of sops) {
      expect(sop.source.office).toMatch(/Dinas/);
      expect(sop.source.seedFile).toMatch(/^\d{3}_[0-9a-f]+\.txt$/);
      expect(sop.notes.length).toBeGreaterThan(0);
    }
    expect(getSop('perpustakaan-muba').source.number).toBe('041/17/DPK-SOP/2021');
    expect(getSop('dinkes-muba').source.number).toBe('440/301/SOP/KES/II/2021');
  });

  // Every per-complaint step and its limit, as read in sops.md.
  test.each([
    ['perpustakaan-muba', 'catat', '4', 'staf', 10, 'minutes'],
    ['perpustakaan-muba', 'periksa', '5', 'kasi-layanan', 10, 'minutes'],
    ['perpustakaan-muba', 'solusi', '6', 'kabid-layanan', 15, 'minutes'],
    ['sp4n-lapor-muara-enim', 'verifikasi', '2', 'admin-kabupaten', 2, 'days'],
    ['sp4n-lapor-muara-enim', 'verifikasi-instansi', '4', 'penghubung-instansi', 1, 'days'],
    ['sp4n-lapor-muara-enim', 'tindak-lanjut', '5', 'pejabat-pelaksana', 12, 'days'],
    ['sp4n-lapor-muara-enim', 'tanggapi-pelapor', '6', 'penghubung-instansi', 1, 'days'],
    ['sp4n-lapor-muara-enim', 'tindak-lanjut-balasan', '7', 'penghubung-instansi', 1, 'workingDays'],
    ['dinkes-muba', 'registrasi', '2', 'petugas', 10, 'minutes'],
    ['dinkes-muba', 'telaah', '3', 'petugas', 20, 'minutes'],
    ['dinkes-muba', 'serahkan-tim', '4', 'petugas', 20, 'minutes'],
    ['dinkes-muba', 'analisa', '5', 'tim-pengelola', 3, 'workingDays'],
    ['dinkes-muba', 'persetujuan', '6', 'kepala-dinas', 30, 'minutes'],
    ['dinkes-muba', 'kembali-tim', '7', 'tim-pengelola', 15, 'minutes'],
    ['dinkes-muba', 'kirim-tanggapan', '8', 'petugas', 20, 'minutes'],
  ])('%s step %s (SOP row %s) is done by %s within %d %s', (sopId, stepId, row, role, amount, unit) => {
    const step = getSop(sopId).steps.find((s) => s.id === stepId);
    expect(step).toMatchObject({ sopNumber: row, role, limit: { amount, unit } });
  });

  test('Musi Rawas: 5 days ("5 Hari", plain days: calendar days) for the whole procedure, coordination optional', () => {
    const sop = getSop('dukcapil-mura');
    expect(sop.phases).toEqual([expect.objectContaining({ limit: { amount: 5, unit: 'days' } })]);
    expect(sop.phases[0]!.steps.sort()).toEqual(sop.steps.map((s) => s.id).sort());
    expect(sop.steps.every((s) => s.limit === undefined)).toBe(true);
    expect(sop.steps.find((s) => s.id === 'koordinasi')?.optional).toBe(true);
  });

  test.each(['dinkes-muba', 'dukcapil-mura', 'perpustakaan-muba', 'sp4n-lapor-muara-enim'])('%s writes the one reading of days in its notes', (sopId) => {
    const note = getSop(sopId).notes.find((n) => n.startsWith('Days, one reading for the whole product'));
    expect(note).toContain("'hari kerja' = working days");
    expect(note).toContain("plain 'hari' = calendar days");
    expect(note).toContain('close of the next working day');
    expect(note).toContain('Reminder and escalation emails go out in office hours');
  });

  test('SP4N-LAPOR!: supervisory branch within 60 days, reprimand rung, 10-day reply window, quarterly P4 report to the Bupati', () => {
    const sop = getSop('sp4n-lapor-muara-enim');
    const verify = sop.steps.find((s) => s.id === 'verifikasi')!;
    expect(verify.actions.map((a) => a.goto)).toEqual(['verifikasi-instansi', 'terima-apip', '@askReporter', '@reject']);
    expect(sop.phases.find((p) => p.id === 'pengawasan')?.limit).toEqual({ amount: 60, unit: 'days' });
    expect(limitOf('sp4n-lapor-muara-enim', 'tindak-lanjut')).toEqual({ amount: 12, unit: 'days' });
    const rungs = sop.steps.find((s) => s.id === 'tindak-lanjut')!.escalation!.rungs;
    // Row 5: at the lapse the inspectorate's monitoring task opens (it recommends a reprimand, or not).
    expect(rungs.at(-1)).toMatchObject({ notify: 'inspectorate', kind: 'monitor', step: 'pantau-apip' });
    expect(sop.steps.find((s) => s.id === 'pantau-apip')).toMatchObject({ role: 'apip-pemantau', limit: { amount: 2, unit: 'workingDays' } });
    expect(sop.steps.find((s) => s.id === 'pantau-apip')!.actions.map((a) => [a.goto, a.records])).toEqual([['teguran-bupati', 'reprimand_recommended'], ['@end', 'reprimand_declined']]);
    expect(sop.steps.find((s) => s.id === 'teguran-bupati')!.actions.map((a) => [a.goto, a.records, a.fields.map((f) => f.name)])).toEqual([['@end', 'reprimand_issued', ['reference', 'issuedOn']]]);
    expect(sop.reporterReply.window).toEqual({ amount: 10, unit: 'days' });
    expect(sop.reports).toEqual([expect.objectContaining({ period: 'quarterly', recipients: expect.arrayContaining(['bupati']), scope: 'regency' })]);
  });

  test('Library: monthly recap walks Kasi → Kabid → Kepala Dinas (10 minutes each); a semester report to the Kabid; team decree is setup, not a step', () => {
    const sop = getSop('perpustakaan-muba');
    expect(sop.reports).toEqual([
      expect.objectContaining({ period: 'monthly', recipients: ['kepala-dinas'], review: ['kasi-layanan', 'kabid-layanan', 'kepala-dinas'].map((role) => expect.objectContaining({ role, limit: { amount: 10, unit: 'minutes' } })) }),
      expect.objectContaining({ id: 'dokumen-semester', period: 'semiannual', recipients: ['kabid-layanan'], review: [] }),
    ]);
    expect(sop.setup.map((s) => s.sopNumber)).toEqual(['1', '2']);
  });

  test('Health Office: the head may approve or return the draft to the team', () => {
    const review = getSop('dinkes-muba').steps.find((s) => s.id === 'persetujuan')!;
    expect(review.actions.map((a) => [a.id, a.goto])).toEqual([['approve', 'kembali-tim'], ['return', 'analisa']]);
  });
});

describe('SOP validation', () => {
  const base = () => JSON.parse(JSON.stringify(lapor)) as SopInput & { steps: { actions: { goto: string }[]; role: string }[] };
  const problemsOf = (input: unknown) => {
    try { parseSop(input); return []; } catch (e) { return e instanceof InvalidSop ? e.problems : ['not InvalidSop']; }
  };

  test('a valid SOP has no problems', () => expect(problemsOf(base())).toEqual([]));

  test.each([
    ['an unknown goto', (s: ReturnType<typeof base>) => { s.steps[1]!.actions[0]!.goto = 'nowhere'; }, /goto "nowhere" is not a step/],
    ['an unknown role', (s: ReturnType<typeof base>) => { s.steps[0]!.role = 'ghost'; }, /role "ghost" is not a role/],
    ['a missing follow-up step', (s: ReturnType<typeof base>) => { s.reporterReply.followUpStep = 'gone'; }, /followUpStep "gone"/],
    ['a step nobody reaches', (s: ReturnType<typeof base>) => { s.steps[0]!.actions.splice(1, 1); }, /"terima-apip" cannot be reached/],
    ['a time limit without unit', (s: ReturnType<typeof base>) => { (s.steps[0] as { limit: unknown }).limit = { amount: 2 }; }, /steps\.0\.limit\.unit/],
    ['a rung granting something else than view or act', (s: ReturnType<typeof base>) => { (s.escalation.rungs[0] as { grant?: unknown }).grant = 'approve'; }, /escalation\.rungs\.0\.grant/],
  ])('%s is reported', (_what, breakIt, message) => {
    const sop = base();
    breakIt(sop);
    expect(problemsOf(sop).join('\n')).toMatch(message);
  });
});

describe('what an escalated official may do through their link', () => {
  const after = { amount: 0, unit: 'minutes' } as const;

  test.each([
    ['superior', 'escalation', undefined, 'act'],
    ['head', 'escalation', undefined, 'act'],
    ['bupati', 'escalation', undefined, 'view'],
    ['inspectorate', 'escalation', undefined, 'view'],
    ['bupati', 'reprimand', undefined, 'view'],
    ['superior', 'escalation', 'view', 'view'],
    ['bupati', 'escalation', 'act', 'act'],
  ] as const)('a %s rung (%s, grant %s) grants %s', (notify, kind, grant, expected) => {
    // Prepare and act: parsed as an SOP file would be.
    const rung = EscalationRung.parse({ notify, after, kind, ...(grant ? { grant } : {}) });
    // Assess
    expect(rungGrant(rung)).toBe(expected);
  });

  test('the seed SOPs set no grant of their own: every rung takes the default for whom it notifies', () => {
    const rungs = sops.flatMap((sop) => [sop.escalation, ...sop.steps.map((s) => s.escalation), ...sop.phases.map((p) => p.escalation)]).flatMap((l) => l?.rungs ?? []);
    expect(rungs.length).toBeGreaterThan(10);
    expect(rungs.filter((r) => r.grant !== undefined)).toEqual([]);
    expect(rungs.map((r) => [r.notify, rungGrant(r)])).toEqual(rungs.map((r) => [r.notify, r.notify === 'superior' || r.notify === 'head' ? 'act' : 'view']));
  });
});

describe('the pre-validated SOPs the handlers load (shared/sops/validated.json)', () => {
  test('are exactly what validating the SOP sources gives (else: npm run compile-sops)', () => {
    expect(readFileSync(validatedPath, 'utf8')).toBe(validatedJson());
  });

  test('the packed copy the bundles carry (validated-packed.ts) is validated.json, one SOP a line, and is what `sops` gives', () => {
    expect(readFileSync(packedPath, 'utf8')).toBe(packedModule());
    const validated = JSON.parse(validatedJson()) as { id: string }[];
    expect(packedSopIds).toEqual(validated.map((s) => s.id));
    expect(brotliDecompressSync(Buffer.from(packedSops, 'base64')).toString('utf8').split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(validated);
    expect(sops.map((s) => s.id)).toEqual(validated.map((s) => s.id));
  });

  test('getSop unpacks the SOP asked for, once, and names the known ones for an unknown id', () => {
    const id = packedSopIds[1]!;
    expect(getSop(id).id).toBe(id);
    expect(getSop(id)).toBe(getSop(id));
    expect(() => getSop('no-such-sop')).toThrow(`Unknown SOP "no-such-sop"; known: ${packedSopIds.join(', ')}`);
  });

  test('every shipped SOP source passes the schema and the cross-checks', () => {
    expect(sopSources.map((s) => parseSop(s).id).sort()).toEqual(sops.map((s) => s.id).sort());
  });
});
