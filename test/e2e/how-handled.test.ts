/**
 * "Bagaimana pengaduan Anda ditangani" / "How your complaint is handled": the public page of each
 * agency's SOP, on the local runtime — the steps, the SVG flow, the ladder, in id and en; linked
 * from the form and the tracking page; an unknown agency is a 404 page, never a 5xx.
 */
import { SaxesParser } from 'saxes';
import { demoDirectory } from '../../shared/directory';
import { getSop } from '../../shared/sops';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') });
});
afterAll(async () => {
  await rt.dispose();
});

const html = { accept: 'text/html' };
/** The inline SVG of a page, checked well-formed by a strict XML parser. */
function inlineSvg(page: string): string {
  const svg = /<svg[\s\S]*<\/svg>/.exec(page)?.[0];
  expect(svg).toBeDefined();
  const parser = new SaxesParser();
  parser.on('error', (err) => { throw err; });
  parser.write(svg!).close();
  return svg!;
}

test.each(demoDirectory.agencies.map((a) => [a.id, a.sopId] as const))('%s: the page shows every step, its role and limit, the flow and the ladder, in Bahasa Indonesia', async (agencyId, sopId) => {
  const res = await rt.call('GET', `/agencies/${agencyId}`, undefined, html);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const page = res.text;
  expect(page).toContain('<h1>Bagaimana pengaduan Anda ditangani</h1>');
  const sop = getSop(sopId);
  for (const step of sop.steps) expect(page).toContain(`<strong>${step.name.id.replace(/&/g, '&amp;')}</strong>`);
  expect(page).toContain('Tingkat 1:');
  expect(inlineSvg(page)).toContain('Eskalasi bila batas waktu terlewati');
});

test('in English, with ?lang=en', async () => {
  const res = await rt.call('GET', '/agencies/dukcapil-mura?lang=en', undefined, html);
  expect(res.status).toBe(200);
  expect(res.text).toContain('<h1>How your complaint is handled</h1>');
  expect(res.text).toContain('Receive the complaint and pass it to the complaint-handling team');
  // Musi Rawas's "5 Hari": calendar days, read one way.
  expect(res.text).toContain('5 calendar days after receipt; if that falls on a non-working day or outside office hours, the close of the next working day');
  expect(inlineSvg(res.text)).toContain('Escalation when a limit passes');
});

test('an unknown agency is a 404 page that says what to do, in both languages', async () => {
  const id = await rt.call('GET', '/agencies/tidak-ada', undefined, html);
  expect(id.status).toBe(404);
  expect(id.text).toContain('Instansi ini tidak dikenal');
  const strange = await rt.call('GET', `/agencies/${encodeURIComponent('<script>x</script>')}?lang=en`, undefined, html);
  expect(strange.status).toBe(404);
  expect(strange.text).not.toContain('<script>x');
});

test('the form and the tracking page link each agency\'s page', async () => {
  const form = await rt.call('GET', '/', undefined, html);
  for (const a of demoDirectory.agencies.filter((x) => x.acceptsComplaints)) expect(form.text).toContain(`<a href="/agencies/${a.id}">`);
  const filed = await rt.call('POST', '/api/complaints', complaint('dinkes-muba', 'sanitasi'));
  expect(filed.status).toBe(201);
  await rt.engine.waitForIdle();
  const tracking = await rt.call('GET', `/complaints/${filed.body.trackingId as string}?lang=en`, undefined, html);
  expect(tracking.text).toContain('<a href="/agencies/dinkes-muba?lang=en">How your complaint is handled</a>');
});
