// The demo page (the JS client in Chromium) through a dropped socket and
// through a restart of sockd (docs/client.md, "Recovery"):
// - after a drop it resubscribes with `since`; sockd replays what it missed
//   (`recovered: true`) and the page shows each message once, in order,
//   without asking for page 1 again;
// - after a restart the position belongs to a topic that is gone
//   (`recovered: false`); the page asks for page 1: the stored messages sent
//   meanwhile appear, each once, and the unstored ones are lost.
// The page's ticket requests are held (playwright's route) until the
// messages it is to miss are published, so it misses them for certain.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from '../../../tests/integration/harness.mjs';
import { SocketActions as A } from '../src/sockd-client.mjs';
import { launchBrowser, openTab } from './browser.mjs';

const T = { timeout: 120000 };
const TOPIC = 'chat:lobby'; // the demo page's default topic

let pg;
let sockd;
let browser;
let page;

before(async () => {
  pg = await h.startPostgres();
  sockd = await h.startSockd({
    databaseUrl: pg.url,
    args: { dev: 'true', messages_per_second: 1000, messages_burst: 1000 },
  });
  browser = await launchBrowser();
  page = await openTab(browser.context);
  // Every frame the page sends and receives, and its sockets (to drop one).
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    window.wire = [];
    window.sockets = [];
    const note = (dir, data) => {
      try {
        window.wire.push({ dir, frame: JSON.parse(data) });
      } catch {
        // Not JSON: not a frame this test looks at.
      }
    };
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        window.sockets.push(this);
        this.addEventListener('message', (e) => note('in', e.data));
      }
      send(data) {
        note('out', data);
        super.send(data);
      }
    };
  });
});

after(async () => {
  if (browser) await browser.close();
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
});

const bubbles = () => page.$$eval('#messages li.message .bubble',
  (els) => els.map((e) => e.textContent));

const messageCount = (n) => page.waitForFunction((k) =>
  document.querySelectorAll('#messages li.message').length === k, n);

const wireFrom = (k) => page.evaluate((i) => window.wire.slice(i), k);
const wireLength = () => page.evaluate(() => window.wire.length);

/// Holds the page's ticket requests until `release()`; `asked` resolves
/// with the first one held.
async function holdTickets() {
  let release;
  const gate = new Promise((r) => { release = r; });
  let asked;
  const first = new Promise((r) => { asked = r; });
  const handler = async (route) => {
    asked();
    await gate;
    await route.continue();
  };
  await page.route('**/ticket', handler);
  return {
    asked: first,
    // The handler stays: a later holdTickets() takes precedence, and
    // requests held now must not be handled twice.
    release,
  };
}

/// bob publishes `texts` (`stored(i)` says which are stored) and waits for
/// each to come back to him, so every one was broadcast.
async function publish(bob, texts, stored) {
  texts.forEach((message, i) => bob.send({
    action: A.TEXT, topic: TOPIC, payload: { style: 'written', message },
    ...(stored(i) ? { store: true, id: message } : {}),
  }));
  for (const message of texts) {
    await bob.next((f) => f && f.action === A.TEXT && f.topic === TOPIC
      && f.payload?.message === message, 10000);
  }
}

/// The ack of the page's latest SUBSCRIBE of TOPIC and what the page sent
/// since `k`.
async function rejoin(k) {
  await page.waitForFunction((i) => window.wire.slice(i).some((e) =>
    e.dir === 'in' && e.frame.action === 8 && 'recovered' in e.frame), k);
  const seen = await wireFrom(k);
  const ack = seen.find((e) => e.dir === 'in' && e.frame.action === 8
    && 'recovered' in e.frame).frame;
  const out = seen.filter((e) => e.dir === 'out').map((e) => e.frame);
  const relays = seen.filter((e) => e.dir === 'in' && e.frame.action === A.TEXT
    && !e.frame.historical).map((e) => e.frame);
  return { ack, out, relays };
}

test('a dropped socket: the page resubscribes with since, gets every missed '
     + 'message once, and does not reload page 1; after a restart it reloads '
     + 'page 1 and shows the stored ones', T, async () => {
  await page.goto(`${sockd.url}/`);
  await page.fill('#name', 'alice');
  assert.equal(await page.inputValue('#topic'), TOPIC);
  await page.click('#connect');
  await page.waitForSelector('#text:not([disabled])');

  const bob = await h.connect(sockd, 'bob');
  await bob.subscribe(TOPIC);
  await publish(bob, ['before-1', 'before-2'], () => true);
  await messageCount(2);

  // 1. The socket drops; 10 messages (every other one stored) go by.
  const held = await holdTickets();
  const k1 = await wireLength();
  const subscribe1 = (await wireFrom(0)).filter((e) => e.dir === 'out'
    && e.frame.action === 8).map((e) => e.frame);
  assert.equal(subscribe1.length, 1);
  assert.equal(subscribe1[0].recover, true, 'the first join asks for positions');
  await page.evaluate(() => window.sockets.at(-1).close());
  await held.asked; // the page is reconnecting, and waits for its ticket
  await bob.next((f) => f && f.action === A.UNSUBSCRIBE_TOPIC, 10000);
  const missed = Array.from({ length: 10 }, (_, i) => `missed-${i + 1}`);
  await publish(bob, missed, (i) => i % 2 === 1);
  held.release();

  const one = await rejoin(k1);
  const since = one.out.find((f) => f.action === 8);
  assert.equal(typeof since.since?.epoch, 'string');
  assert.equal(since.since.offset, 2, 'the position of before-2');
  assert.equal(one.ack.recovered, true);
  assert.equal(one.ack.epoch, since.since.epoch);
  assert.equal(one.ack.offset, 12);
  assert.deepEqual(one.relays.map((f) => f.payload.message), missed);
  assert.deepEqual(one.relays.map((f) => f.offset),
                   missed.map((_, i) => 3 + i));
  await messageCount(12);
  assert.deepEqual(await bubbles(), ['before-1', 'before-2', ...missed]);
  // Participants are asked for again; history is not.
  await page.waitForFunction((i) => window.wire.slice(i).some((e) =>
    e.dir === 'out' && e.frame.action === 10), k1); // LOAD_SUBSCRIBERS
  const sentAfter = (await wireFrom(k1)).filter((e) => e.dir === 'out')
    .map((e) => e.frame.action);
  assert.ok(!sentAfter.includes(A.LOAD_MESSAGES), `sent ${sentAfter}`);

  // 2. sockd restarts on the same port and database; three messages (the
  // first and the last stored) go by before the page is back.
  const port = sockd.port;
  const held2 = await holdTickets();
  const k2 = await wireLength();
  await sockd.stop();
  sockd = await h.startSockd({
    databaseUrl: pg.url,
    args: { dev: 'true', messages_per_second: 1000, messages_burst: 1000,
            listen: `127.0.0.1:${port}` },
  });
  // The page fetches a dev token first (from the new process), then its
  // ticket, which waits.
  await held2.asked;
  const bob2 = await h.connect(sockd, 'bob');
  await bob2.subscribe(TOPIC);
  await publish(bob2, ['after-1', 'after-2', 'after-3'], (i) => i !== 1);
  held2.release();

  const two = await rejoin(k2);
  const since2 = two.out.find((f) => f.action === 8);
  assert.deepEqual(since2.since, { epoch: one.ack.epoch, offset: 12 });
  assert.equal(two.ack.recovered, false, 'a new topic: its epoch is new');
  assert.notEqual(two.ack.epoch, one.ack.epoch);
  assert.equal(two.ack.offset, 3);
  assert.deepEqual(two.relays, [], 'nothing replayed');
  await page.waitForFunction((i) => window.wire.slice(i).some((e) =>
    e.dir === 'out' && e.frame.action === 6), k2); // LOAD_MESSAGES
  await messageCount(14);
  assert.deepEqual(await bubbles(),
                   ['before-1', 'before-2', ...missed, 'after-1', 'after-3']);
  assert.deepEqual(page.problems, []);
});
