// The demo page in a real browser: Debian's chromium driven by
// playwright-core, two tabs, two users, against sockd with --dev=true.
// Saves a screenshot to $SOCKD_ARTIFACTS_DIR/demo.png (default
// /tmp/sockd-artifacts/demo.png).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import * as h from '../../../tests/integration/harness.mjs';
import { launchBrowser, openTab } from './browser.mjs';

const ARTIFACTS = process.env.SOCKD_ARTIFACTS_DIR
  || path.join(os.tmpdir(), 'sockd-artifacts');
const T = { timeout: 120000 };

let pg;
let sockd;
let browser;

before(async () => {
  pg = await h.startPostgres();
  sockd = await h.startSockd({ databaseUrl: pg.url, args: { dev: 'true' } });
  browser = await launchBrowser({ viewport: { width: 1100, height: 800 } });
});

after(async () => {
  if (browser) await browser.close();
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
});

async function signIn(page, name, query = '') {
  await page.goto(`${sockd.url}/${query}`);
  await page.fill('#name', name);
  assert.equal(await page.inputValue('#topic'), 'chat:lobby');
  await page.click('#connect');
  await joined(page);
}

async function joined(page) {
  await page.waitForSelector('#status[data-state="open"]');
  await page.waitForSelector('#text:not([disabled])');
}

async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

/// The texts of the chat bubbles, in display order.
const bubbles = (page) => page.$$eval('#messages li.message .bubble',
  (els) => els.map((e) => e.textContent));

const messageCount = (page, n) => page.waitForFunction((k) =>
  document.querySelectorAll('#messages li.message').length === k, n);

const person = (page, user, online) =>
  `#people li[data-user="${user}"][data-online="${online}"]`;

const notices = (page) => page.$$eval('#messages li.notice',
  (els) => els.map((e) => e.textContent));

test('demo page: two users chat, history survives a reload, presence and '
     + 'leave notices show', T, async () => {
  // The page and the client module come from sockd itself.
  const index = await h.request(sockd, { path: '/' });
  assert.equal(index.status, 200, 'GET / with --dev=true');
  assert.match(index.headers['content-type'], /text\/html/);
  const mod = await h.request(sockd, { path: '/client/sockd-client.mjs' });
  assert.equal(mod.status, 200, 'GET /client/sockd-client.mjs');
  assert.match(mod.headers['content-type'], /javascript/);

  const alice = await openTab(browser.context);
  const bob = await openTab(browser.context);
  // Small history pages, so "load older" shows up with a few messages.
  await signIn(alice, 'alice', '?pageSize=3');
  await signIn(bob, 'bob', '?pageSize=3');

  // Both see each other online.
  await alice.waitForSelector(person(alice, 'bob', 'true'));
  await bob.waitForSelector(person(bob, 'alice', 'true'));
  await alice.waitForSelector(person(alice, 'alice', 'true'));

  // Chat both ways; every message is stored (store:true, acknowledged).
  await say(alice, 'Hi Bob!');
  await bob.waitForSelector('#messages li.message .bubble >> text=Hi Bob!');
  await say(bob, 'Hello Alice, how are you?');
  await say(bob, 'This chat is served by sockd.');
  await alice.waitForSelector(
    '#messages li.message .bubble >> text=This chat is served by sockd.');
  await say(alice, 'Great, and the history is stored in PostgreSQL.');
  await say(alice, 'Reload the page and it is still here.');
  const expected = ['Hi Bob!', 'Hello Alice, how are you?',
                    'This chat is served by sockd.',
                    'Great, and the history is stored in PostgreSQL.',
                    'Reload the page and it is still here.'];
  await messageCount(bob, expected.length);
  await messageCount(alice, expected.length);
  assert.deepEqual(await bubbles(bob), expected);
  assert.deepEqual(await bubbles(alice), expected);
  // Names come from the participant list, not from the payload.
  const authors = await alice.$$eval('#messages li.message .author',
    (els) => els.map((e) => e.textContent));
  assert.deepEqual(authors, ['alice (you)', 'bob', 'bob', 'alice (you)',
                             'alice (you)']);

  // bob reloads: same tab, same user; the newest page comes back from
  // storage and "load older" brings the rest.
  await bob.reload();
  await joined(bob);
  await messageCount(bob, 3);
  assert.deepEqual(await bubbles(bob), expected.slice(2));
  await bob.waitForSelector('#older:not([hidden])');
  await bob.click('#older');
  await messageCount(bob, expected.length);
  assert.deepEqual(await bubbles(bob), expected);
  await bob.waitForSelector('#older', { state: 'hidden' });

  // alice saw bob's old connection leave and the new one arrive.
  await alice.waitForFunction(() => [...document.querySelectorAll(
    '#messages li.notice')].some((e) => e.textContent === 'bob joined'));
  await alice.waitForSelector(person(alice, 'bob', 'true'));

  // bob leaves the topic: a leave notice, and bob listed offline.
  const before_leave = (await notices(alice))
    .filter((t) => t === 'bob left').length;
  await bob.click('#leave');
  await alice.waitForSelector(person(alice, 'bob', 'false'));
  await alice.waitForFunction((n) => [...document.querySelectorAll(
    '#messages li.notice')].filter((e) => e.textContent === 'bob left')
    .length === n + 1, before_leave);
  await bob.waitForSelector('#text[disabled]');

  // carol, who never wrote, joins and sees bob offline (he stored messages).
  const carol = await openTab(browser.context);
  await signIn(carol, 'carol');
  await carol.waitForSelector(person(carol, 'bob', 'false'));
  await carol.waitForSelector(person(carol, 'alice', 'true'));
  assert.deepEqual(await bubbles(carol), expected);
  await alice.waitForSelector(person(alice, 'carol', 'true'));
  await carol.close();
  await alice.waitForSelector(person(alice, 'carol', 'false'));
  await say(alice, 'See you later!');
  await alice.waitForSelector('#messages li.message .bubble >> text=See you later!');

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = path.join(ARTIFACTS, 'demo.png');
  await alice.screenshot({ path: shot });
  assert.ok(fs.statSync(shot).size > 10000);

  for (const page of [alice, bob]) {
    assert.deepEqual(page.problems, [], 'no console errors');
  }
});
