/**
 * Each of the four SOPs, walked over HTTP on the local runtime from the complaint to closure, using
 * only the public API, the mailbox and the task links (actions[0] each time), with the reporter's
 * rating at the end; plus SP4N-LAPOR!'s supervisory branch and the Health Office's returned draft.
 */
import { actOnNewestTask, complaint, replyKey, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') }); });
afterAll(async () => { await rt.dispose(); });

async function file(body: unknown): Promise<string> {
  const res = await rt.call('POST', '/api/complaints', body);
  expect(res.status).toBe(201);
  await rt.engine.waitForIdle();
  return res.body.trackingId as string;
}

/** Acts on task links until the reporter gets the answer; returns the steps walked. */
async function walkToAnswer(trackingId: string, choose?: Parameters<typeof actOnNewestTask>[1], max = 12): Promise<string[]> {
  const steps: string[] = [];
  for (let i = 0; i < max; i++) {
    const status = await rt.call('GET', `/api/complaints/${trackingId}`);
    if (status.body.status === 'resolved') return steps;
    steps.push(await actOnNewestTask(rt, choose));
  }
  throw new Error(`no answer after ${max} steps: ${steps.join(' → ')}`);
}

async function rateAndClose(trackingId: string): Promise<void> {
  const key = await replyKey(rt);
  expect(key).toBeDefined();
  const res = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key, satisfied: true, rating: 5, comment: 'Terima kasih' });
  expect(res.status).toBe(200);
  await rt.engine.waitForIdle();
  const status = await rt.call('GET', `/api/complaints/${trackingId}`);
  expect(status.body).toMatchObject({ status: 'closed', rating: 5, currentStep: null });
  expect(status.body.closedAt).toBeDefined();
}

test.each([
  ['perpus-muba', 'layanan', ['catat', 'periksa', 'solusi']],
  ['dukcapil-mura', 'ktp-el', ['terima', 'tangani', 'sampaikan']],
  ['kominfo-muara-enim', 'pelayanan-publik', ['verifikasi', 'verifikasi-instansi', 'tindak-lanjut', 'tanggapi-pelapor']],
  ['dinkes-muba', 'pelayanan', ['registrasi', 'telaah', 'serahkan-tim', 'analisa', 'persetujuan', 'kembali-tim', 'kirim-tanggapan']],
])('%s: from the form to closure along the normal path, rated by the reporter', async (agencyId, category, expectedSteps) => {
  // A reporter of its own: one address is acknowledged at most 3 times a day, and this file files more.
  const email = `pelapor.${agencyId}@example.com`;
  const trackingId = await file(complaint(agencyId, category, { reporter: { name: 'Siti Rahma', email } }));
  expect(await walkToAnswer(trackingId)).toEqual(expectedSteps);
  const answered = await rt.call('GET', `/api/complaints/${trackingId}`);
  // The answer is what the responding official wrote (the draft, prefilled, or their own text).
  expect(answered.body.response).toMatch(/^Isi \w+ untuk uji\.$/);
  await rateAndClose(trackingId);
  const subjects = (await rt.mail()).filter((m) => m.to.includes(email) && m.text.includes(trackingId)).map((m) => m.subject);
  expect(subjects).toEqual([`Pengaduan diterima: ${trackingId}`, `Tanggapan atas pengaduan ${trackingId}`, `Pengaduan ${trackingId} ditutup`]);
});

test('SP4N-LAPOR!: a supervisory complaint goes to the inspectorate and is answered by its liaison', async () => {
  const trackingId = await file(complaint('kominfo-muara-enim', 'perilaku-aparatur', { title: 'Dugaan pungutan liar', confidential: true }));
  const steps = await walkToAnswer(trackingId, (v) => (v.task.stepId === 'verifikasi' ? { action: 'routeInspectorate' } : { action: v.actions[0]!.id }));
  expect(steps).toEqual(['verifikasi', 'terima-apip', 'periksa-apip', 'tanggapi-apip']);
  const inspectorateMail = (await rt.mail()).filter((m) => m.to.some((t) => t.includes('@inspektorat.')));
  expect(inspectorateMail.map((m) => m.to[0])).toEqual(expect.arrayContaining(['penghubung@inspektorat.musitanggap.example.go.id', 'auditor@inspektorat.musitanggap.example.go.id']));
  await rateAndClose(trackingId);
});

test('Health Office: the head returns the draft; the team revises it (visit 2) and the head approves', async () => {
  const trackingId = await file(complaint('dinkes-muba', 'obat'));
  let returned = false;
  const steps = await walkToAnswer(trackingId, (v) => {
    if (v.task.stepId === 'persetujuan' && !returned) {
      returned = true;
      return { action: 'return', fields: { notes: 'Lengkapi data stok obat.' } };
    }
    return { action: v.actions[0]!.id };
  });
  expect(steps).toEqual(['registrasi', 'telaah', 'serahkan-tim', 'analisa', 'persetujuan', 'analisa', 'persetujuan', 'kembali-tim', 'kirim-tanggapan']);
  const keys = await rt.taskKeys();
  const secondDraft = await rt.call('GET', `/api/tasks/${keys.at(-4)}`);
  expect(secondDraft.body.task).toMatchObject({ stepId: 'analisa', visit: 2 });
  await rateAndClose(trackingId);
});
