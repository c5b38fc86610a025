/**
 * Each rung of the escalation ladder reaches a person not told yet (issue 13, item 7): the pure
 * decision, then the four SOPs' ladders against the demo directory, step by step.
 */
import fc from 'fast-check';
import { distinctRungDeliveries, ladderDelivery, type RungCandidate } from '../../shared/directory/ladder';
import { assigneeOf } from '../../shared/directory/resolve';
import { demoDirectory } from '../../shared/directory';
import type { Person } from '../../shared/directory/schema';
import { getSop } from '../../shared/sops';

const person = (id: string): Person => ({ id, name: id, email: `${id}@example.go.id`, title: id, language: 'id' });
const [tim, kadin, bupati, petugas] = ['tim', 'kadin', 'bupati', 'petugas'].map(person) as [Person, Person, Person, Person];
const esc = (p?: Person): RungCandidate => ({ person: p, kind: 'escalation' });
const who = (ds: ReturnType<typeof distinctRungDeliveries>) => ds.map((d) => ('to' in d ? `${d.to.id}@${d.via + 1}` : `skip:${d.skipped}`));

describe('distinctRungDeliveries', () => {
  test.each([
    ['three distinct people: each rung as written', [esc(tim), esc(kadin), esc(bupati)], petugas, ['tim@1', 'kadin@2', 'bupati@3']],
    ['superior and head are the same Kepala Dinas: rung 2 goes to the Bupati, rung 3 has nobody left', [esc(kadin), esc(kadin), esc(bupati)], tim, ['kadin@1', 'bupati@3', 'skip:alreadyTold']],
    ['the superior is the assignee himself (the head\'s own step): the next distinct person', [esc(kadin), esc(kadin), esc(bupati)], kadin, ['bupati@3', 'skip:alreadyTold', 'skip:alreadyTold']],
    ['all remaining rungs name one person: skipped', [esc(tim), esc(tim), esc(tim)], undefined, ['tim@1', 'skip:alreadyTold', 'skip:alreadyTold']],
    ['a rung with nobody in the directory', [esc(undefined), esc(kadin), esc(bupati)], tim, ['skip:nobody', 'kadin@2', 'bupati@3']],
    ['the same person by email under two ids is one person', [esc(kadin), esc({ ...kadin, id: 'plt', email: 'KADIN@example.go.id' }), esc(bupati)], tim, ['kadin@1', 'bupati@3', 'skip:alreadyTold']],
    ['a reprimand is its own message: never skipped, never pulled forward', [esc(kadin), esc(bupati), { person: bupati, kind: 'reprimand' }], tim, ['kadin@1', 'bupati@2', 'bupati@3']],
    ['a repeated head before a reprimand: the reprimand is not taken as the next person', [esc(kadin), esc(kadin), { person: bupati, kind: 'reprimand' }], tim, ['kadin@1', 'skip:alreadyTold', 'bupati@3']],
  ] as const)('%s', (_what, rungs, assignee, expected) => {
    expect(who(distinctRungDeliveries([...rungs], assignee))).toEqual(expected);
  });

  test('property: no escalation email repeats a person, and nobody distinct is left out', () => {
    const people = ['a', 'b', 'c', 'd'].map(person);
    fc.assert(fc.property(
      fc.array(fc.record({ p: fc.option(fc.constantFrom(...people), { nil: undefined }) }), { minLength: 1, maxLength: 5 }),
      fc.option(fc.constantFrom(...people), { nil: undefined }),
      (rows, assignee) => {
        const rungs = rows.map((r) => esc(r.p));
        const ds = distinctRungDeliveries(rungs, assignee);
        const reached = ds.flatMap((d) => ('to' in d ? [d.to.id] : []));
        const distinct = new Set(rungs.flatMap((r) => (r.person && r.person.id !== assignee?.id ? [r.person.id] : [])));
        // Every rung's delivery is its own or a later rung's, never the assignee, never twice; and
        // everyone some rung names (but the assignee) is reached.
        return new Set(reached).size === reached.length && !reached.includes(assignee?.id ?? '-')
          && ds.every((d, i) => !('to' in d) || d.via >= i) && reached.length === distinct.size;
      },
    ));
  });
});

describe('the four SOPs\' ladders on the demo directory', () => {
  const levels = (sopId: string, stepId: string, units: { agencyId: string; routedAgencyId?: string }) => {
    const sop = getSop(sopId);
    const step = sop.steps.find((s) => s.id === stepId)!;
    const phase = sop.phases.find((p) => p.steps.includes(stepId));
    const ladder = (phase ? phase.escalation : step.escalation) ?? sop.escalation;
    const assignee = assigneeOf(demoDirectory, sop, step.role, units);
    return ladder.rungs.map((r, i) => {
      const d = ladderDelivery(demoDirectory, sop, step, units, ladder, i + 1, assignee, r.kind === 'reprimand');
      return 'to' in d ? d.to.id : `skip:${d.skipped}`;
    });
  };
  test.each([
    // Health Office: the officer's superior is the team, then the Kadin, then the Bupati: as written.
    ['dinkes-muba', 'registrasi', { agencyId: 'dinkes-muba' }, ['dinkes-tim', 'dinkes-kadin', 'bupati']],
    // The team's superior is the Kadin, who is also the head: the Bupati comes second, then nobody.
    ['dinkes-muba', 'analisa', { agencyId: 'dinkes-muba' }, ['dinkes-kadin', 'bupati', 'skip:alreadyTold']],
    // The Kadin's own step: he is the assignee; the Bupati is the only person left.
    ['dinkes-muba', 'persetujuan', { agencyId: 'dinkes-muba' }, ['bupati', 'skip:alreadyTold', 'skip:alreadyTold']],
    ['perpustakaan-muba', 'catat', { agencyId: 'perpus-muba' }, ['perpus-kasi', 'perpus-kadin', 'bupati']],
    ['perpustakaan-muba', 'solusi', { agencyId: 'perpus-muba' }, ['perpus-kadin', 'bupati', 'skip:alreadyTold']],
    ['dukcapil-mura', 'tangani', { agencyId: 'dukcapil-mura' }, ['dukcapil-kadin', 'bupati', 'skip:alreadyTold']],
    ['dukcapil-mura', 'terima', { agencyId: 'dukcapil-mura' }, ['dukcapil-tim', 'dukcapil-kadin', 'bupati']],
    // SP4N-LAPOR!: the regency admin's superior is the Kepala Dinas Kominfo, also the head.
    ['sp4n-lapor-muara-enim', 'verifikasi', { agencyId: 'kominfo-muara-enim' }, ['kominfo-kadin', 'bupati', 'skip:alreadyTold']],
    // The executing official: the liaison, then the inspectorate's monitoring rung (its task goes to the
    // monitoring official; the rung itself names the inspectorate's head, never taken as a louder reminder).
    ['sp4n-lapor-muara-enim', 'tindak-lanjut', { agencyId: 'kominfo-muara-enim', routedAgencyId: 'dinkes-muba' }, ['dinkes-penghubung', 'inspektur']],
    // The inspectorate's phase at the auditor's step: the Inspektur is superior and head.
    ['sp4n-lapor-muara-enim', 'periksa-apip', { agencyId: 'kominfo-muara-enim', routedAgencyId: 'inspectorate' }, ['inspektur', 'bupati', 'skip:alreadyTold']],
  ] as const)('%s %s', (sopId, stepId, units, expected) => {
    expect(levels(sopId, stepId, units)).toEqual(expected);
  });
});
