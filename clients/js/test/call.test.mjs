// The demo page's 1:1 call in a real browser: Debian's chromium (fake
// camera and microphone) driven by playwright-core, sockd with --dev=true
// handing out TURN credentials (GET /turn) for a real coturn on loopback.
// The page signals offer/answer/ICE through the call topic (exchange/1,
// targeted RTC frames) and uses iceTransportPolicy "relay", so media can
// only flow through coturn; coturn's own log shows that it did.
// Saves a screenshot to $SOCKD_ARTIFACTS_DIR/call.png (default
// /tmp/sockd-artifacts/call.png).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import * as h from '../../../tests/integration/harness.mjs';
import { sessionsOf, startCoturn } from '../../../tests/integration/coturn.mjs';
import { launchBrowser, openTab } from './browser.mjs';

const ARTIFACTS = process.env.SOCKD_ARTIFACTS_DIR
  || path.join(os.tmpdir(), 'sockd-artifacts');
const T = { timeout: 180000 };
const TURN_SECRET = crypto.randomBytes(24).toString('base64url');
// Media relayed per side in the first call: far above what ICE checks and
// TURN refreshes alone would move (a few hundred bytes), far below what a
// few seconds of the fake camera's video send (100 kB and more).
const MIN_RELAYED_BYTES = 20000;

let turn;
let pg;
let sockd;
let browser;

before(async () => {
  turn = await startCoturn({ secret: TURN_SECRET });
  pg = await h.startPostgres();
  sockd = await h.startSockd({
    databaseUrl: pg.url,
    args: { dev: 'true', turn_secret: TURN_SECRET, turn_uris: turn.uri },
  });
  browser = await launchBrowser({
    viewport: { width: 1100, height: 800 },
    args: [
      // A fake camera and microphone, granted without a prompt.
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      // WebRTC leaves the loopback interface out by default; with it
      // the TURN client may also bind 127.0.0.1 (and a host with no
      // other interface still gathers).
      '--allow-loopback-in-peer-connection'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
  if (turn) await turn.stop();
});

async function signIn(page, name, topic, server = sockd) {
  await page.goto(`${server.url}/`);
  await page.fill('#name', name);
  await page.fill('#topic', topic);
  await page.click('#connect');
  await page.waitForSelector('#status[data-state="open"]');
  await page.waitForSelector('#call:not([hidden]) #call-start:not([disabled])');
}

const person = (user) => `#people li[data-user="${user}"][data-online="true"]`;
const waiting = (user) =>
  `#streams li[data-user="${user}"][data-peer=""] button.answer`;
const inCall = (user, peer) =>
  `#streams li[data-user="${user}"][data-peer-user="${peer}"]`;
const streamCount = (page, n) => page.waitForFunction((k) =>
  document.querySelectorAll('#streams li').length === k, n);

/// The remote <video> plays: frames decoded, and its clock moves on by
/// half a second from when it first had a frame.
async function remotePlays(page) {
  await page.waitForFunction(() => {
    const v = document.getElementById('remote-video');
    return v.srcObject instanceof MediaStream && v.readyState >= 2
      && v.videoWidth > 0;
  });
  const t0 = await page.$eval('#remote-video', (v) => v.currentTime);
  await page.waitForFunction((t) =>
    document.getElementById('remote-video').currentTime > t + 0.5, t0);
}

/// Both sides of a call: connected through relay candidates on both ends.
async function connected(...pages) {
  for (const page of pages) {
    await page.waitForSelector(
      '#call[data-phase="live"][data-connection="connected"]');
    await page.waitForSelector('#call[data-route="relay/relay"]');
  }
}

/// Hung up: peer connection closed, no media left on either video.
/// (The panel may be hidden: after leaving, the page shows no topic.)
async function closed(page) {
  await page.waitForSelector(
    '#call[data-phase="idle"][data-connection="closed"]', { state: 'attached' });
  assert.deepEqual(await page.$eval('#call', () => ({
    remote: document.getElementById('remote-video').srcObject,
    local: document.getElementById('local-video').srcObject,
  })), { remote: null, local: null });
  await page.waitForSelector('#hangup[disabled]', { state: 'attached' });
}

const channelBound = (sub) => new RegExp(`user <\\d+:${sub}>: incoming `
  + 'packet CHANNEL_BIND processed, success');

test('demo page: a 1:1 call through coturn, seen by a late joiner, hung up '
     + 'by button and by leaving', T, async (t) => {
  const topic = `exchange/1:call-${crypto.randomUUID()}`;
  const alice = await openTab(browser.context, { timeout: 20000 });
  const bob = await openTab(browser.context, { timeout: 20000 });
  await signIn(alice, 'alice', topic);
  await signIn(bob, 'bob', topic);
  await alice.waitForSelector(person('bob'));
  await bob.waitForSelector(person('alice'));

  // alice calls; bob sees her waiting in the stream list and answers.
  await alice.click('#call-start');
  await alice.waitForSelector('#call[data-phase="calling"]');
  await bob.waitForSelector(waiting('alice'));
  await bob.click(waiting('alice'));
  await connected(alice, bob);
  await remotePlays(alice);
  await remotePlays(bob);

  // coturn allocated for both users (usernames <expiry>:<sub> from GET
  // /turn) and bound channels to the peers: the media path is the relay.
  await turn.waitFor((l) => channelBound('alice').test(l)
    && channelBound('bob').test(l), 15000, 'CHANNEL_BIND of alice and bob');
  assert.ok(sessionsOf(turn.log(), 'alice').length >= 1);
  assert.ok(sessionsOf(turn.log(), 'bob').length >= 1);

  // carol joins the topic during the call: the stream list shows it.
  const carol = await openTab(browser.context, { timeout: 20000 });
  await signIn(carol, 'carol', topic);
  await carol.waitForSelector(inCall('alice', 'bob'));
  await carol.waitForSelector(inCall('bob', 'alice'));
  await streamCount(carol, 2);
  assert.equal(await carol.$$eval('#streams button.answer', (b) => b.length), 0,
               'nobody to answer: the call is 1:1 and taken');
  assert.equal(await carol.getAttribute('#call', 'data-phase'), 'idle');

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = path.join(ARTIFACTS, 'call.png');
  await bob.screenshot({ path: shot });
  assert.ok(fs.statSync(shot).size > 10000);

  // alice hangs up: both sides closed, the stream list empty everywhere.
  await alice.click('#hangup');
  await closed(alice);
  await closed(bob);
  for (const page of [alice, bob, carol]) await streamCount(page, 0);

  // Closing released every allocation that carried the call (a channel was
  // bound on it); coturn counted the media it relayed. An allocation the
  // browser made but never used may outlive the call until coturn times it
  // out (seen once under ASan), so it is not waited for.
  const released = (sub) => {
    const s = sessionsOf(turn.log(), sub).filter((x) => x.bound);
    return s.length > 0 && s.every((x) => x.deleted) ? s : null;
  };
  for (const sub of ['alice', 'bob']) {
    const sessions = await turn.waitFor(() => released(sub), 15000,
                                        `every TURN session of ${sub} that carried the call deleted`);
    const bytes = sessions.reduce((n, x) => n + x.peerSentBytes, 0);
    assert.ok(bytes >= MIN_RELAYED_BYTES,
              `${sub}'s media relayed by coturn: ${bytes} bytes`);
    t.diagnostic(`${sub}: ${sessions.length} TURN allocations, `
                 + `${bytes} bytes of media relayed`);
  }

  // A second call, bob calling; alice answers; bob leaves the topic.
  await bob.click('#call-start');
  await alice.waitForSelector(waiting('bob'));
  await carol.waitForSelector(waiting('bob'));
  await alice.click(waiting('bob'));
  await connected(alice, bob);
  await remotePlays(alice);
  await carol.waitForSelector(inCall('alice', 'bob'));
  await bob.click('#leave');
  await closed(bob);
  await closed(alice);
  for (const page of [alice, carol]) await streamCount(page, 0);
  assert.match(await alice.textContent('#call-status'),
               /The other side hung up\.|The other side left\./);

  for (const page of [alice, bob, carol]) {
    assert.deepEqual(page.problems, [], 'no console errors');
  }
});

test('demo page: without turn_secret, Start call says why and leaves the '
     + 'camera off', T, async () => {
  const plain = await h.startSockd({ databaseUrl: pg.url,
                                     args: { dev: 'true' } });
  try {
    const dave = await openTab(browser.context, { timeout: 20000 });
    await signIn(dave, 'dave', `exchange/1:call-${crypto.randomUUID()}`,
                 plain);
    await dave.click('#call-start');
    await dave.waitForSelector('#call[data-phase="idle"]');
    await dave.waitForFunction(() => document.getElementById('call-status')
      .textContent.startsWith('Could not start the call: not_found: '));
    assert.equal(await dave.$eval('#local-video', (v) => v.srcObject), null);
    await streamCount(dave, 0);
    await dave.waitForSelector('#call-start:not([disabled])');
    // The 404 is the page's answer, not an error of the page itself.
    assert.deepEqual(dave.problems.filter((p) => !/status of 404/.test(p)), []);
    await dave.close();
  } finally {
    await plain.stop().catch(() => plain.kill());
  }
});
