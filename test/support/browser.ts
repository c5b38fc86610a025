/**
 * Debian's Chromium for the browser tests (playwright-core brings no browser of its own), started
 * headless with the flags this closed network needs: no background networking, updates or sync, whose
 * refused connections would otherwise pile up at every start.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

/** A fresh headless Chromium; close it in the test's afterAll. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
