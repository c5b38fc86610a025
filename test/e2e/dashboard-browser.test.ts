/**
 * A head of office's dashboard in a real browser at a phone's size (Debian's chromium, 390×844): the
 * Kepala Dinas signs in from the mailbox link, opens the dashboard, sees the late cases with who
 * holds each, filters by category, follows a late case to its task page, and downloads the CSV.
 * Over HTTP beside it: a signed-in official without a dashboard gets a 403 in both languages, and
 * nobody signed out gets anything. With SCREENSHOTS=<dir> the pages are saved there as PNG.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

const SHOTS = process.env.SCREENSHOTS;
let rt: TestRuntime;
let browser: Browser;
beforeAll(async () => {
  // Monday 7 December 2026, 09:00 WIB.
  rt = await startTestRuntime({ clockStart: new Date('2026-12-07T02:00:00Z') });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rt?.dispose();
});

/** Signs in over HTTP (the link from the local mail): the session cookie's name=value. */
async function signInOverHttp(email: string): Promise<string> {
  const headers = { origin: rt.url, 'content-type': 'application/x-www-form-urlencoded' };
  await fetch(`${rt.url}/masuk`, { method: 'POST', headers, body: new URLSearchParams({ email }).toString(), redirect: 'manual' });
  const link = (await rt.mail()).filter((m) => m.to.includes(email)).at(-1)!.links.find((l) => l.includes('/masuk/'))!;
  const res = await fetch(`${rt.url}/masuk/${link.split('/masuk/')[1]}`, { method: 'POST', headers, redirect: 'manual' });
  return res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('__Host-tanggap-sesi='))!;
}

test('a head of office signs in on a phone, opens the dashboard, filters, follows a late case to its task page, and downloads the CSV', async () => {
  const title = 'Obat "habis" <lagi> di puskesmas';
  const late = await rt.call('POST', '/api/complaints', complaint('dinkes-muba', 'obat', { title, confidential: true, reporter: { name: 'Rahmat Rahasia', email: 'rahmat@example.com' } }));
  const other = await rt.call('POST', '/api/complaints', complaint('dinkes-muba', 'pelayanan', { title: 'Antrean loket terlalu panjang' }));
  expect([late.status, other.status]).toEqual([201, 201]);
  await rt.engine.waitForIdle();
  await rt.advance('P2D'); // the first steps' deadlines pass
  await rt.engine.waitForIdle();

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'id-ID', acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${rt.url}/masuk`);
  await page.getByLabel('Email dinas').fill('kepala@dinkes.musitanggap.example.go.id');
  await page.getByRole('button', { name: 'Kirim tautan masuk' }).click();
  await page.goto(`${rt.url}/_local/mailbox`);
  await page.getByRole('link', { name: /^Tautan masuk Tanggap$/ }).first().click();
  const message = page.frameLocator('iframe[title="message"]');
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/masuk/')), message.getByRole('link', { name: 'Masuk ke Tanggap' }).click()]);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((u) => u.pathname === '/tugas');

  await page.getByRole('link', { name: 'Dasbor' }).click();
  await page.waitForURL((u) => u.pathname === '/dasbor');
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Dasbor: Dinas Kesehatan/);
  const lateTotal = page.locator('table.counts tbody tr:last-child td').first();
  await expect(lateTotal.textContent()).resolves.toBe('2');
  const lateItem = page.locator('ul.cases li', { hasText: late.body.trackingId });
  await expect(lateItem.locator('.badge.state').textContent()).resolves.toBe('Terlambat');
  // The title as typed (escaped, shown as text); who holds it; the confidential reporter hidden from the head.
  await expect(lateItem.locator('p').first().textContent()).resolves.toBe(title);
  await expect(lateItem.textContent()).resolves.toMatch(/Dipegang: \S/);
  await expect(lateItem.textContent()).resolves.toContain('Rahasia (tidak ditampilkan untuk peran Anda)');
  await expect(page.locator('body').textContent()).resolves.not.toContain('Rahmat Rahasia');
  expect(await page.locator('ul.cases li').count()).toBe(2);
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  if (SHOTS) { mkdirSync(SHOTS, { recursive: true }); await page.screenshot({ path: join(SHOTS, 'dasbor.png'), fullPage: true }); }

  // Filter by category: only the medicine complaint is left.
  await page.getByLabel('Kategori').selectOption('obat');
  await page.getByRole('button', { name: 'Terapkan' }).click();
  await page.waitForURL((u) => u.searchParams.get('category') === 'obat');
  expect(await page.locator('ul.cases li').count()).toBe(1);
  await expect(page.locator('ul.cases li .tid').textContent()).resolves.toBe(late.body.trackingId);

  // The CSV of this list: UTF-8 with a BOM, the title quoted as typed, no reporter.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Unduh CSV/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^dasbor-dinkes-muba-late-2026-12-\d\d\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain(`"${late.body.trackingId}"`);
  expect(csv).toContain('"Obat ""habis"" <lagi> di puskesmas"');
  expect(csv).not.toContain(other.body.trackingId);
  expect(csv).not.toContain('Rahmat');

  // Follow the late case to its task page.
  await page.locator('ul.cases li').first().getByRole('button', { name: 'Buka tugas' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/tasks/'));
  const body = await page.locator('body').textContent();
  expect(body).toContain(late.body.trackingId);
  expect(body).toContain(title);
  expect(body).not.toContain('Rahmat Rahasia');
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await context.close();
}, 120_000);

test('an official without a dashboard gets a 403 in both languages; nobody signed out gets a dashboard or its CSV', async () => {
  const staff = await signInOverHttp('pengaduan@dinkes.musitanggap.example.go.id');
  const refused = await fetch(`${rt.url}/dasbor`, { headers: { cookie: staff, accept: 'text/html' } });
  expect(refused.status).toBe(403);
  const text = await refused.text();
  expect(text).toContain('Dasbor hanya untuk kepala instansi');
  expect(text).toContain('Dashboards are for heads of office');
  for (const path of ['/dasbor', '/dasbor/csv']) expect((await fetch(`${rt.url}${path}`, { headers: { accept: 'text/html' } })).status).toBe(401);
  // A head may not reach another agency's dashboard, nor forge a page link.
  const head = await signInOverHttp('kepala@perpus.musitanggap.example.go.id');
  expect((await fetch(`${rt.url}/dasbor?agency=dinkes-muba`, { headers: { cookie: head, accept: 'text/html' } })).status).toBe(403);
  expect((await fetch(`${rt.url}/dasbor?cursor=eyJhIjoiZGlua2VzLW11YmEifQ.${'A'.repeat(43)}`, { headers: { cookie: head, accept: 'text/html' } })).status).toBe(400);
}, 60_000);
