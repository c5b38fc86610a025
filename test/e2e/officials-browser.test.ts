/**
 * The officials' workspace in a real browser at a phone's size (Debian's chromium through
 * playwright-core, 390×844): request a sign-in link, read it in the local mailbox, open it, press the
 * button, land on "Tugas saya" (the __Host- Secure cookie is kept on http://127.0.0.1, a
 * potentially trustworthy origin), open a task, act on it, and see it gone from the list. Then the
 * citizen's tracking page of that complaint at the same size, in both languages. With SCREENSHOTS=<dir>
 * the pages are saved there as PNG, to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

const SHOTS = process.env.SCREENSHOTS;
let trackingId = '';
let rt: TestRuntime;
let browser: Browser;
beforeAll(async () => {
  rt = await startTestRuntime({ clockStart: new Date('2026-12-07T02:00:00Z') });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rt?.dispose();
});

test('an official signs in from the mailbox link on a phone, opens a task from Tugas saya, acts, and it leaves the list', async () => {
  const filed = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan', { title: 'Ruang baca tutup pukul 10.00' }));
  expect(filed.status).toBe(201);
  trackingId = filed.body.trackingId;
  await rt.engine.waitForIdle();

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${rt.url}/masuk`);
  await page.getByLabel('Email dinas').fill('staf.layanan@perpus.musitanggap.example.go.id');
  await page.getByRole('button', { name: 'Kirim tautan masuk' }).click();
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Periksa email Anda');

  // The link, from the local mailbox as a person reads it.
  await page.goto(`${rt.url}/_local/mailbox`);
  await page.getByRole('link', { name: /^Tautan masuk Tanggap$/ }).first().click();
  const message = page.frameLocator('iframe[title="message"]');
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/masuk/')), message.getByRole('link', { name: 'Masuk ke Tanggap' }).click()]);
  expect(await context.cookies()).toEqual([]);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((u) => u.pathname === '/tugas');

  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ name: '__Host-tanggap-sesi', httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tugas saya');
  const item = page.locator('ul.tasks li', { hasText: filed.body.trackingId });
  await expect(item.locator('.badge').textContent()).resolves.toMatch(/Sesuai jadwal|Jatuh tempo|Terlambat/);
  // Nothing wider than the phone.
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  if (SHOTS) { mkdirSync(SHOTS, { recursive: true }); await page.screenshot({ path: join(SHOTS, 'tugas.png'), fullPage: true }); }

  await item.getByRole('button', { name: 'Buka tugas' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/tasks/'));
  await expect(page.locator('body').textContent()).resolves.toContain('Anda membuka tugas ini dari daftar Tugas saya.');
  await page.locator('form').first().getByRole('button').click();
  await expect(page.locator('[role=status]').textContent()).resolves.toBeTruthy();
  await rt.engine.waitForIdle();

  await page.goto(`${rt.url}/tugas`);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tugas saya');
  expect(await page.locator('ul.tasks li', { hasText: filed.body.trackingId }).count()).toBe(0);
  await page.getByRole('button', { name: 'Keluar' }).click();
  expect(await context.cookies()).toEqual([]);
  await context.close();
}, 90_000);

test('the tracking page shows the way on a phone: the step done with its date, the current one with its deadline in words, what comes next', async () => {
  expect(trackingId).toMatch(/^TGP-/);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  for (const lang of ['id', 'en'] as const) {
    await page.goto(`${rt.url}/complaints/${trackingId}?lang=${lang}`);
    const way = page.locator('ol.way');
    await expect(way.locator('li.done').first().textContent()).resolves.toMatch(lang === 'id' ? /^✓Membuka kotak saran.*Selesai Senin, 7 Desember 2026/ : /^✓Open the box.*Done Monday 7 December 2026/);
    const current = await way.locator('li.current').textContent();
    expect(current).toMatch(lang === 'id' ? /^Memeriksa kebenaran laporan.*paling lambat Senin, 7 Desember 2026 pukul \d\d\.\d\d WIB/ : /^Check the report.*by Monday 7 December 2026, \d\d:\d\d WIB/);
    await expect(way.locator('li.next').textContent()).resolves.toMatch(lang === 'id' ? /berikutnya/ : /next/);
    await expect(page.locator('body').textContent()).resolves.not.toMatch(/Siti Rahma|siti\.rahma|081234567890/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `tracking-${lang}.png`), fullPage: true });
  }
  await context.close();
}, 30_000);
