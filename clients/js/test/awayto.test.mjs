// Awayto's own client against sockd alone (issue 13): in headless Chromium,
// a page that does on the wire exactly what Awayto's WebSocketProvider and
// useWebSocketSubscribe do (test/awayto/page/, written from Awayto's
// description, not sockd's client), on an origin of its own, against sockd
// with its certificate, Awayto's ticket path and Awayto's tables. The tests
// run in order and share the pages: each step starts where the last ended.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';


import { certDir, makeCa, makeServerCert }
  from '../../../tests/integration/cluster_certs.mjs';
import * as h from '../../../tests/integration/harness.mjs';
import { launchBrowser } from './browser.mjs';
import { awaytoTables, devToken, PARTICIPANT_QUERY, startPageServer }
  from './awayto/setup.mjs';
import { A, asSent, awaytoFrame as awaytoFrameOn, person, rejoined, replay,
         send, snap, until, wire } from './awayto/wire.mjs';

// The one switch between plain http/ws with /ticket and Awayto's
// https/wss with /api/v1/sock/ticket.
const WIRE = { tls: true, ticketPath: '/api/v1/sock/ticket' };

const T = { timeout: 60000 };
const PING_TIMEOUT = 3; // s; PINGs every second

// alice made the booking's quote, bob owns its schedule bracket slot.
const alice = { sub: crypto.randomUUID(), first: 'Alice', last: 'Quinn',
                role: 'Client' };
const bob = { sub: crypto.randomUUID(), first: 'Bob', last: 'Slot',
              role: 'Staff' };
const BOOKING = crypto.randomUUID();
const TOPIC = `exchange/0:${BOOKING}`; // Awayto's text chat of the booking
const awaytoFrame = awaytoFrameOn(TOPIC);

let pg;
let sockd;
let sockArgs;
let certs;
let tls;
let pageServer;
let browser;

/// Starts sockd (on `listen`) with the test's options, https/wss with the
/// test's certificate when WIRE.tls.
async function startServer(listen = '127.0.0.1:0') {
  sockd = await h.startSockd({
    databaseUrl: pg.url, args: { ...sockArgs, listen },
    tls: WIRE.tls ? { cert: tls.cert, key: tls.key, ca: tls.ca } : false,
  });
}

before(async () => {
  // A throwaway CA and a certificate for 127.0.0.1 (openssl), shared by
  // sockd and the page's server; Chromium trusts its key only.
  certs = certDir();
  const ca = makeCa(certs.dir, 'awayto-test');
  tls = { ...makeServerCert(certs.dir, ca), ca: ca.cert };
  pageServer = await startPageServer(WIRE.tls ? tls : null);
  pg = await h.startPostgres();
  await awaytoTables(pg, h.SCHEMA, { booking: BOOKING, quoter: alice,
                                     provider: bob });
  sockArgs = {
    dev: 'true',
    allowed_origins: pageServer.origin,
    participant_query: PARTICIPANT_QUERY(h.SCHEMA),
    ping_interval: 1,
    ping_timeout: PING_TIMEOUT,
  };
  await startServer();
  browser = await launchBrowser({
    args: [
      // Two tabs at once: neither may be throttled as a background tab.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      // Trust the test's certificate (its key) and nothing else.
      `--ignore-certificate-errors-spki-list=${tls.spki}`],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (pageServer) await pageServer.close();
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
  if (certs) certs.cleanup();
});

/// Opens Awayto's page for `user`, signs in with a dev token and mounts
/// the booking's text chat.
async function openAwayto(user) {
  const page = user.page || await browser.context.newPage();
  user.page = page;
  page.setDefaultTimeout(20000);
  page.problems = page.problems || [];
  if (!page.watched) {
    page.watched = true;
    page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  }
  const q = new URLSearchParams({ sock: sockd.url,
                                  ticketPath: WIRE.ticketPath });
  await page.goto(`${pageServer.origin}/index.html?${q}`);
  const token = await devToken(sockd, user.sub);
  await page.evaluate(([t, topic]) => {
    window.awayto.start(t);
    window.awayto.mount(topic);
  }, [token, TOPIC]);
  return page;
}

test('ticket from the ticket path, the socket, SUBSCRIBE with Awayto\'s '
     + 'fields, the participant list', T, async () => {
  await openAwayto(alice);
  await until(alice.page, (s) => s.chat.subscribed
    && s.log.some((e) => e.frame.action === 10));
  await openAwayto(bob);
  await until(bob.page, (s) => s.chat.subscribed
    && s.log.some((e) => e.dir === 'out' && e.frame.action === 6));
  // alice learns bob is there from the list bob's join made go to everyone.
  await until(alice.page, (s, b) => s.chat.userList[b]?.online, bob.sub);

  const a = await snap(alice.page);
  const b = await snap(bob.page);
  alice.cid = a.connectionId;
  bob.cid = b.connectionId;
  assert.match(alice.cid, h.UUID_RE);
  assert.notEqual(alice.cid, bob.cid);
  assert.deepEqual(a.events.map((e) => e.what), ['ticket', 'open']);
  // Awayto's addresses, on sockd's origin (not the page's).
  const sockUrl = new URL(sockd.url);
  assert.equal(a.events[0].url, `${sockd.url}/api/v1/sock/ticket`);
  assert.equal(a.events[1].url, `${WIRE.tls ? 'wss' : 'ws'}://${sockUrl.host}/sock`);
  assert.equal(new URL(pageServer.origin).protocol, sockUrl.protocol);
  assert.notEqual(pageServer.origin, sockUrl.origin);
  // Out: SUBSCRIBE, LOAD_SUBSCRIBERS, LOAD_MESSAGES page 1 of 10.
  const out = wire(b, bob.cid, 'out');
  assert.equal(out.length, 3);
  awaytoFrame(out[0], bob.cid, false, A.SUBSCRIBE);
  awaytoFrame(out[1], bob.cid, false, A.LOAD_SUBSCRIBERS);
  awaytoFrame(out[2], bob.cid, false, A.LOAD_MESSAGES,
              { page: 1, pageSize: 10 });
  // In: the join, then the list (no history yet, so nothing more).
  const list = { [alice.sub]: person(alice, [alice.cid], true),
                 [bob.sub]: person(bob, [bob.cid], true) };
  assert.deepEqual(wire(b, bob.cid, 'in'), [
    { action: A.SUBSCRIBE, topic: TOPIC },
    { action: A.LOAD_SUBSCRIBERS, topic: TOPIC, sender: bob.cid,
      payload: asSent(list) },
  ]);
  assert.deepEqual(b.chat.userList, list);
  assert.deepEqual(a.chat.userList, list);
});

const sent = [];

test('stored and unstored relays between the two', T, async () => {
  for (let i = 0; i < 12; i += 1) {
    const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
    const text = `stored ${i + 1} from ${from.first}`;
    const f = await send(from, to, 'say', text);
    assert.deepEqual(f, { action: A.TEXT, topic: TOPIC, sender: from.cid,
                          timestamp: f.timestamp, store: true,
                          payload: { style: 'written', message: text } });
    assert.match(f.timestamp, h.ISO_MS_RE, 'the server\'s time, not the client\'s');
    sent.push(f);
  }
  const f = await send(bob, alice, 'whisper', 'not stored');
  assert.deepEqual(f, { action: A.TEXT, topic: TOPIC, sender: bob.cid,
                        timestamp: f.timestamp,
                        payload: { style: 'written', message: 'not stored' } });
  const a = await snap(alice.page);
  assert.deepEqual(a.chat.messages.map((m) => [m.name, m.message]),
    [...sent.map((m) => [m.sender === alice.cid ? 'AQ' : 'BS',
                         m.payload.message]), ['BS', 'not stored']]);
  // What alice sent carries Awayto's fields, store:true.
  const said = wire(a, alice.cid, 'out').filter((x) => x.action === A.TEXT);
  assert.equal(said.length, 6);
  awaytoFrame(said[0], alice.cid, true, A.TEXT,
              { style: 'written', message: 'stored 1 from Alice' });
});

test('history: page 1 with HAS_MORE_MESSAGES, then page 2', T, async () => {
  // bob comes back to the exchange (a new page load: a new connection).
  const oldBob = bob.cid;
  await openAwayto(bob);
  await until(bob.page, (s) => s.chat.hasMore);
  let b = await snap(bob.page);
  bob.cid = b.connectionId;
  assert.notEqual(bob.cid, oldBob);
  const list = { [alice.sub]: person(alice, [alice.cid], true),
                 [bob.sub]: person(bob, [oldBob, bob.cid], true) };
  // Newest first, 10 of the 12, then "more".
  assert.deepEqual(wire(b, bob.cid, 'in'), [
    { action: A.SUBSCRIBE, topic: TOPIC },
    { action: A.LOAD_SUBSCRIBERS, topic: TOPIC, sender: bob.cid,
      payload: asSent(list) },
    ...sent.slice(2).reverse().map(replay),
    { action: A.HAS_MORE_MESSAGES, topic: TOPIC },
  ]);
  assert.deepEqual(b.chat.userList, list);
  // "Load previous...": page 2 holds the two oldest.
  const seen = b.log.length;
  await bob.page.evaluate(() => window.awayto.getMore());
  await until(bob.page, (s, m) => s.chat.messages.length === m, 12);
  // History requests of one topic go to one database worker in order
  // (db/dispatch.cpp), so this probe's ACK comes after all of page 2's
  // frames: nothing else (no HAS_MORE) came before it.
  await bob.page.evaluate((topic) => window.awayto.probe({
    action: 6, topic, payload: { page: 3, pageSize: 10 }, id: 'after-2' }),
  TOPIC);
  await until(bob.page, (s) => s.log.some((e) => e.frame.action === 'ACK'));
  b = await snap(bob.page);
  const later = { ...b, log: b.log.slice(seen) };
  const out = wire(later, bob.cid, 'out');
  assert.equal(out.length, 2);
  awaytoFrame(out[0], bob.cid, false, A.LOAD_MESSAGES, { page: 2, pageSize: 10 });
  assert.deepEqual(out[1], { action: 6, topic: TOPIC, id: 'after-2',
                             payload: { page: 3, pageSize: 10 } });
  assert.deepEqual(wire(later, bob.cid, 'in'), [
    ...sent.slice(0, 2).reverse().map(replay),
    { action: 'ACK', topic: TOPIC, payload: { id: 'after-2' } },
  ]);
  assert.equal(b.chat.hasMore, false);
  assert.deepEqual(b.chat.messages.map((m) => [m.name, m.message]),
    sent.map((m) => [m.sender === alice.cid ? 'AQ' : 'BS', m.payload.message]));
});

test('PONGs in Awayto\'s shape keep the socket up past ping_timeout', T,
     async () => {
  const from = (await snap(alice.page)).log.length;
  // A socket of alice's that never answers is closed for silence; Awayto's
  // socket sends nothing but PONGs meanwhile and stays.
  const silent = await alice.page.evaluate(() => window.awayto.silentSocket());
  assert.deepEqual([silent.code, silent.reason], [1001, 'ping timeout']);
  assert.ok(silent.seen.length >= PING_TIMEOUT - 1, 'PINGs seen');
  assert.deepEqual(silent.seen, silent.seen.map(() => ({ payload: 'PING' })));
  // Closed after ping_timeout of silence counted from the upgrade, which
  // the browser sees a moment later (hence the 100 ms).
  assert.ok(silent.lifetime >= PING_TIMEOUT * 1000 - 100,
            `silent socket lived ${silent.lifetime} ms`);
  const a = await snap(alice.page);
  const during = a.log.slice(from).filter((e) => e.cid === alice.cid);
  const pings = during.filter((e) => e.dir === 'in');
  const out = during.filter((e) => e.dir === 'out').map((e) => e.frame);
  assert.ok(pings.length >= PING_TIMEOUT, `${pings.length} PINGs`);
  assert.deepEqual(pings.map((e) => e.frame),
                   pings.map(() => ({ payload: 'PING' })));
  assert.deepEqual(out, pings.map(() => ({ sender: alice.cid,
                                           payload: 'PONG' })));
  assert.equal(a.connected, true);
  assert.deepEqual(a.events.map((e) => e.what), ['ticket', 'open']);
});


test('sockd restarts: a new ticket every 5 s until it is back, then the '
     + 'same subscriptions', { timeout: 90000 }, async () => {
  const port = sockd.port;
  const users = [alice, bob];
  const n = {};
  for (const u of users) n[u.sub] = (await snap(u.page)).events.length;
  await sockd.stop(); // SIGTERM: every socket closed with 1001
  // The first attempt, 5 s after the close, finds nothing listening.
  for (const u of users) {
    await until(u.page, (s, k) => s.events.slice(k)
      .some((e) => e.what === 'ticket-failed'), n[u.sub]);
  }
  await startServer(`127.0.0.1:${port}`);
  // Dev tokens are signed with a key of the process: the new one needs new
  // tokens (Keycloak's token refresh, in Awayto).
  for (const u of users) {
    const token = await devToken(sockd, u.sub);
    await u.page.evaluate((t) => window.awayto.setToken(t), token);
  }
  const snaps = {};
  for (const u of users) snaps[u.sub] = await rejoined(u, n[u.sub]);

  for (const u of users) {
    const s = snaps[u.sub];
    const ev = s.events.slice(n[u.sub]);
    assert.deepEqual([ev[0].what, ev[0].code], ['close', 1001]);
    assert.equal(ev[0].cid, u.cid);
    const tries = ev.filter((e) => e.what === 'ticket');
    const fails = ev.filter((e) => e.what === 'ticket-failed');
    assert.ok(tries.length >= 2, `${tries.length} ticket requests`);
    assert.equal(fails.length, tries.length - 1, 'all but the last failed');
    assert.match(fails[0].error, /^TypeError: Failed to fetch/);
    // Each attempt 5 s after the close or after the failed one before it
    // (performance.now() is coarsened by at most 0.1 ms; recorded rounded).
    const starts = [ev[0], ...fails];
    tries.forEach((t, i) => assert.ok(t.at - starts[i].at >= 4999,
      `attempt ${i + 1} came ${t.at - starts[i].at} ms after the last`));
    const open = ev.at(-1);
    assert.equal(open.what, 'open');
    assert.notEqual(open.cid, u.cid, 'a new ticket, a new connection id');
    u.oldCid = u.cid;
    u.cid = open.cid;
    // Joined again with Awayto's frames; page 1 replayed again.
    const out = wire(s, u.cid, 'out');
    awaytoFrame(out[0], u.cid, false, A.SUBSCRIBE);
    awaytoFrame(out[1], u.cid, false, A.LOAD_SUBSCRIBERS);
    awaytoFrame(out[2], u.cid, false, A.LOAD_MESSAGES,
                { page: 1, pageSize: 10 });
    const got = wire(s, u.cid, 'in');
    assert.deepEqual(got[0], { action: A.SUBSCRIBE, topic: TOPIC });
    assert.deepEqual(got.filter((f) => f.historical || f.action === 7), [
      ...sent.slice(2).reverse().map(replay),
      { action: A.HAS_MORE_MESSAGES, topic: TOPIC },
    ]);
  }
  // Both online again with their new connections, and talking.
  for (const [u, other] of [[alice, bob], [bob, alice]]) {
    await until(u.page, (s, [sub, cid]) => s.chat.userList[sub]?.online
      && s.chat.userList[sub].cids.includes(cid), [other.sub, other.cid]);
  }
  const f = await send(alice, bob, 'say', 'back after the restart');
  assert.deepEqual(f, { action: A.TEXT, topic: TOPIC, sender: alice.cid,
                        timestamp: f.timestamp, store: true,
                        payload: { style: 'written',
                                   message: 'back after the restart' } });
});

test('UNSUBSCRIBE on unmount: the others see the user leave', T, async () => {
  await bob.page.evaluate(() => window.awayto.unmount());
  await until(alice.page, (s, sub) => s.chat.userList[sub].online === false,
              bob.sub);
  await until(bob.page, (s, cid) => s.log.some((e) => e.cid === cid
    && e.dir === 'in' && e.frame.action === 9), bob.cid);
  const b = await snap(bob.page);
  const out = wire(b, bob.cid, 'out');
  awaytoFrame(out.at(-1), bob.cid, false, A.UNSUBSCRIBE);
  assert.deepEqual(wire(b, bob.cid, 'in').at(-1),
                   { action: A.UNSUBSCRIBE, topic: TOPIC });
  assert.equal(b.connected, true, 'the socket stays for other topics');
  const a = await snap(alice.page);
  const left = `${bob.sub}:${bob.cid}`;
  assert.deepEqual(wire(a, alice.cid, 'in').at(-1),
                   { action: A.UNSUBSCRIBE_TOPIC, topic: TOPIC, sender: left,
                     payload: left });
  // Nobody was refused anything, and no page threw.
  for (const u of [alice, bob]) {
    const s = await snap(u.page);
    assert.deepEqual(s.log.filter((e) => e.frame.action === 'ERROR'), []);
    assert.deepEqual(u.page.problems, []);
  }
});
