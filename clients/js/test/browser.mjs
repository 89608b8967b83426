// Debian's chromium for the browser tests (e2e, call, awayto), driven by
// playwright-core: headless, a fresh profile per test file, removed again by
// close(); tabs that record console errors and uncaught exceptions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// What every test's browser runs with: no sandbox (root in CI), no GPU, no
// background traffic of its own.
const BASE_ARGS = ['--no-sandbox', '--disable-gpu',
                   '--disable-background-networking',
                   '--disable-component-update', '--no-first-run',
                   '--disable-sync'];

/// Launches chromium with BASE_ARGS and `args`; resolves
/// `{context, close()}`.
export async function launchBrowser({ args = [], viewport } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium `
                    + '(or set CHROMIUM_PATH)');
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_ARGS, ...args],
    ...(viewport ? { viewport } : {}),
    timeout: 30000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/// A tab that records console errors and uncaught exceptions in
/// `page.problems`.
export async function openTab(context, { timeout = 15000 } = {}) {
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  return page;
}
