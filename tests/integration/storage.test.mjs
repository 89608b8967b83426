// Stored messages and their history: store:true answered after the commit,
// LOAD_MESSAGES pages (newest first, HAS_MORE_MESSAGES, pageSize clamped,
// bad page values), a database outage and recovery, and every ACKed message
// in topic_messages (docs/protocol.md, "Storage and history"; /readyz in
// "Tickets and upgrade"). Who may join and the participant list:
// storage_access.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from './harness.mjs';
import { relay, store as storeOne, useStorageServer } from './storage.mjs';

const T = { timeout: 40000 };
const S = h.SCHEMA;

// Every stored message that got its ACK: [topic, m].
const acked = [];

const server = useStorageServer();

/// Connects each sub and joins `topic` with all of them.
const joined = (topic, ...subs) => h.joined(server.sockd, topic, ...subs);

/// Stores one message and records it in `acked`.
const store = (c, topic, m, action = 12) => storeOne(c, topic, m, action, acked);

/// Sends LOAD_MESSAGES and collects this topic's frames up to the ACK and
/// those that follow it before a keepalive round trip.
async function loadPage(c, topic, payload, id) {
  c.take((x) => x && x.topic === topic); // earlier live frames
  const frame = { action: 6, topic, id };
  if (payload !== undefined) frame.payload = payload;
  c.send(frame);
  const before_ack = [];
  for (let i = 0; i < 200; ++i) {
    const f = await c.next((x) => x && x.topic === topic, 10000);
    if (f.action === 'ACK' && f.payload.id === id) {
      await c.roundTrip();
      return { before_ack, after_ack: c.take((x) => x && x.topic === topic) };
    }
    if (f.action === 'ERROR') {
      throw new Error(`LOAD_MESSAGES ${JSON.stringify(payload)}: `
                      + JSON.stringify(f));
    }
    before_ack.push(f);
  }
  throw new Error('no ACK after 200 frames');
}

/// What a replay of `live` must look like: the broadcast frame without
/// `store`, with `historical: true` and the original timestamp.
function replayOf(live) {
  const { store: _, ...rest } = live;
  return { ...rest, historical: true };
}

function assertPage(page, topic, lives, { hasMore }) {
  const { before_ack, after_ack } = page;
  const historical = before_ack.filter((f) => f.action !== 7);
  assert.deepEqual(historical, lives.map(replayOf),
                   'replayed frames, newest first, before the ACK');
  assert.deepEqual(after_ack.filter((f) => f.historical), [],
                   'no replayed frame after the ACK');
  const more = [...before_ack, ...after_ack].filter((f) => f.action === 7);
  if (hasMore) {
    assert.deepEqual(more, [{ action: 7, topic }], 'one HAS_MORE_MESSAGES');
    const at = before_ack.findIndex((f) => f.action === 7);
    if (at >= 0) {
      assert.equal(at, before_ack.length - 1, 'HAS_MORE follows the page');
    }
  } else {
    assert.deepEqual(more, [], 'no HAS_MORE_MESSAGES');
  }
}

async function rows(topic) {
  const out = await server.pg.psql(
    `SELECT json_build_object('connection_id', connection_id, 'topic', topic,
       'created_sub', created_sub::text, 'message', message)::text
     FROM ${S}.topic_messages WHERE topic = ${h.sqlString(topic)}`);
  return out ? out.split('\n').map((l) => JSON.parse(l)) : [];
}

test('store:true: ACK after commit, the row holds the broadcast frame', T,
     async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await joined(topic, 'alice', 'bob');
  const sentAt = Date.now();
  alice.send({ action: 12, topic, payload: { m: 'st-1', text: 'keep me' },
               store: true, id: 'st-1', historical: false, sender: 'x' });
  const seen = await bob.next(relay(topic, 'st-1'));
  assert.deepEqual(seen, {
    action: 12, topic, sender: alice.cid, timestamp: seen.timestamp,
    payload: { m: 'st-1', text: 'keep me' }, store: true,
  });
  assert.match(seen.timestamp, h.ISO_MS_RE);
  assert.ok(Date.parse(seen.timestamp) >= sentAt - 5000);
  await alice.next(relay(topic, 'st-1'));
  await alice.next(h.isAck('st-1'));
  acked.push([topic, 'st-1']);
  // Committed before the ACK: visible right away.
  const r = await rows(topic);
  assert.equal(r.length, 1);
  assert.equal(r[0].connection_id, alice.cid);
  assert.equal(r[0].created_sub, 'alice');
  assert.equal(r[0].topic, topic);
  assert.deepEqual(r[0].message, {
    action: 12, topic, sender: alice.cid, timestamp: seen.timestamp,
    payload: { m: 'st-1', text: 'keep me' }, historical: true, store: false,
  });
  // Unstored frames leave no row.
  alice.send({ action: 12, topic, payload: { m: 'st-2' }, id: 'st-2' });
  await alice.next(h.isAck('st-2'));
  alice.send({ action: 12, topic, payload: { m: 'st-3' }, store: false,
               id: 'st-3' });
  await alice.next(h.isAck('st-3'));
  assert.equal((await rows(topic)).length, 1);
});

test('LOAD_MESSAGES pages newest first with HAS_MORE_MESSAGES', T, async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await joined(topic, 'alice', 'bob');
  const lives = [];
  for (let i = 0; i < 25; ++i) {
    lives.push(await store(alice, topic, `p${i}`, i % 2 ? 12 : 'stored-message'));
  }
  bob.take(() => true);
  const newest = [...lives].reverse();
  assertPage(await loadPage(alice, topic, { page: 1, pageSize: 10 }, 'pg-1'),
             topic, newest.slice(0, 10), { hasMore: true });
  assertPage(await loadPage(alice, topic, { page: 2, pageSize: 10 }, 'pg-2'),
             topic, newest.slice(10, 20), { hasMore: true });
  assertPage(await loadPage(alice, topic, { page: 3, pageSize: 10 }, 'pg-3'),
             topic, newest.slice(20, 25), { hasMore: false });
  assertPage(await loadPage(alice, topic, { page: 4, pageSize: 10 }, 'pg-4'),
             topic, [], { hasMore: false });
  // Defaults: page 1, pageSize 10.
  assertPage(await loadPage(alice, topic, undefined, 'pg-d1'),
             topic, newest.slice(0, 10), { hasMore: true });
  assertPage(await loadPage(alice, topic, {}, 'pg-d2'),
             topic, newest.slice(0, 10), { hasMore: true });
  assertPage(await loadPage(alice, topic, { page: 2 }, 'pg-d3'),
             topic, newest.slice(10, 20), { hasMore: true });
  assertPage(await loadPage(alice, topic, { pageSize: 3 }, 'pg-d4'),
             topic, newest.slice(0, 3), { hasMore: true });
  // The replay went to the requester alone.
  await bob.roundTrip();
  assert.deepEqual(bob.queued((f) => f && (f.historical || f.action === 7)), []);
});

test('a topic of exactly one page gets no HAS_MORE_MESSAGES', T, async () => {
  const topic = h.uniqueTopic();
  const [alice] = await joined(topic, 'alice');
  const lives = [];
  for (let i = 0; i < 10; ++i) lives.push(await store(alice, topic, `e${i}`));
  const newest = [...lives].reverse();
  assertPage(await loadPage(alice, topic, { page: 1, pageSize: 10 }, 'ex-1'),
             topic, newest, { hasMore: false });
  assertPage(await loadPage(alice, topic, { page: 1, pageSize: 5 }, 'ex-2'),
             topic, newest.slice(0, 5), { hasMore: true });
  assertPage(await loadPage(alice, topic, { page: 2, pageSize: 5 }, 'ex-3'),
             topic, newest.slice(5), { hasMore: false });
  // A topic with nothing stored.
  const empty = h.uniqueTopic();
  await alice.subscribe(empty);
  assertPage(await loadPage(alice, empty, {}, 'ex-4'), empty, [],
             { hasMore: false });
});

test('pageSize above 100 is clamped to 100', T, async () => {
  const topic = h.uniqueTopic();
  const [alice] = await joined(topic, 'alice');
  const lives = [];
  for (let i = 0; i < 105; ++i) lives.push(await store(alice, topic, `c${i}`));
  const newest = [...lives].reverse();
  assertPage(await loadPage(alice, topic, { page: 1, pageSize: 150 }, 'cl-1'),
             topic, newest.slice(0, 100), { hasMore: true });
  assertPage(await loadPage(alice, topic, { page: 2, pageSize: 150 }, 'cl-2'),
             topic, newest.slice(100), { hasMore: false });
});

test('LOAD_MESSAGES with page or pageSize zero, negative or not an integer',
     T, async () => {
  const topic = h.uniqueTopic();
  const [alice] = await joined(topic, 'alice');
  await store(alice, topic, 'bv-0');
  const bad = [
    { page: 0 }, { page: -1 }, { page: 1.5 }, { page: '1' }, { page: true },
    { pageSize: 0 }, { pageSize: -5 }, { pageSize: 2.5 }, { pageSize: '10' },
    { page: 1, pageSize: [10] },
  ];
  for (const [i, payload] of bad.entries()) {
    const id = `bv-${i}`;
    alice.send({ action: 6, topic, payload, id });
    const f = await alice.next((x) => x && x.topic === topic
                                   && h.isReply(x) && x.payload.id === id);
    assert.equal(f.action, 'ERROR', `${JSON.stringify(payload)}: ${JSON.stringify(f)}`);
    assert.equal(f.payload.code, 'bad_frame', JSON.stringify(payload));
    assert.equal(f.payload.request, 6);
  }
  await alice.roundTrip();
  assert.deepEqual(alice.queued((f) => f && f.historical), [],
                   'nothing replayed for a bad request');
});

test('database outage: relays go on, storage says unavailable, then recovers',
     { timeout: 60000 }, async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await joined(topic, 'alice', 'bob');
  await store(alice, topic, 'out-0');
  await bob.next(relay(topic, 'out-0'));
  await server.pg.stop();
  await h.waitReady(server.sockd, { status: 503, timeout: 15000 });

  // Subscribing needs the allowance query: unavailable.
  const other = h.uniqueTopic();
  alice.send({ action: 8, topic: other, id: 'o-sub' });
  let f = await alice.next((x) => h.isReply(x) && x.payload.id === 'o-sub', 15000);
  assert.deepEqual(f, {
    action: 'ERROR', topic: other,
    payload: { code: 'unavailable', message: f.payload.message, request: 8,
               id: 'o-sub' },
  });
  // A stored message: unavailable, and it is neither stored nor relayed.
  alice.send({ action: 12, topic, payload: { m: 'o-store' }, store: true,
               id: 'o-store' });
  f = await alice.next((x) => h.isReply(x) && x.payload.id === 'o-store', 15000);
  assert.equal(f.action, 'ERROR', JSON.stringify(f));
  assert.equal(f.payload.code, 'unavailable');
  assert.equal(f.payload.request, 12);
  // Unstored relays on a joined topic flow.
  alice.send({ action: 12, topic, payload: { m: 'o-live' }, id: 'o-live' });
  assert.equal((await bob.next((x) => x && x.topic === topic)).payload.m,
               'o-live', 'the refused stored message was not relayed');
  await alice.next(relay(topic, 'o-live'));
  await alice.next(h.isAck('o-live'));
  // History and participants need the database.
  for (const action of [6, 10]) {
    alice.send({ action, topic, id: `o-${action}` });
    f = await alice.next((x) => h.isReply(x) && x.payload.id === `o-${action}`,
                         15000);
    assert.equal(f.action, 'ERROR', JSON.stringify(f));
    assert.equal(f.payload.code, 'unavailable', `action ${action}`);
  }
  // Tickets and upgrades work without the database.
  const carol = await h.connect(server.sockd, 'carol');
  await carol.roundTrip();
  // Membership is in memory: UNSUBSCRIBE works.
  bob.send({ action: 9, topic });
  assert.deepEqual(await bob.next({ action: 9, topic }), { action: 9, topic });
  assert.deepEqual(await alice.next({ action: 4, topic }),
                   { action: 4, topic, sender: `bob:${bob.cid}`,
                     payload: `bob:${bob.cid}` });

  await server.pg.start();
  // Without a restart of sockd, storing works again within a few seconds.
  let attempt = 0;
  await h.eventually(async () => {
    const m = `o-back-${attempt++}`;
    alice.send({ action: 12, topic, payload: { m }, store: true, id: m });
    const r = await alice.next((x) => h.isReply(x) && x.payload.id === m, 10000);
    if (r.action === 'ACK') {
      acked.push([topic, m]);
      return true;
    }
    assert.equal(r.payload.code, 'unavailable', JSON.stringify(r));
    return false;
  }, { timeout: 15000, interval: 250, what: 'a stored message after restart' });
  await h.waitReady(server.sockd, { timeout: 15000 });
  // Each pool worker reconnects on its own: subscribing may take a moment
  // longer than the first store.
  await h.eventually(async () => {
    alice.send({ action: 8, topic: other });
    const r = await alice.next((x) => x && x.topic === other, 10000);
    if (r.action === 8) return true;
    assert.equal(r.payload.code, 'unavailable', JSON.stringify(r));
    return false;
  }, { timeout: 10000, interval: 250, what: 'SUBSCRIBE after restart' });
  await store(alice, topic, 'out-after');
  // The connection opened during the outage is recorded once it is back.
  await h.eventually(async () => (await server.pg.psql(
    `SELECT count(*) FROM ${S}.sock_connections
     WHERE connection_id = ${h.sqlString(carol.cid)}`)) === '1',
  { timeout: 10000, what: "carol's sock_connections row" });
  // The refused stored message was not stored.
  const stored = (await rows(topic)).map((r) => r.message.payload.m);
  assert.ok(!stored.includes('o-store'), 'the refused message is not stored');
});

test('every ACKed stored message is in topic_messages', T, async () => {
  assert.ok(acked.length > 0);
  await server.pg.start(); // in case the outage test stopped halfway
  const out = await server.pg.psql(
    `SELECT topic || ' ' || (message->'payload'->>'m')
     FROM ${S}.topic_messages`);
  const present = new Set(out.split('\n'));
  const missing = acked.filter(([t, m]) => !present.has(`${t} ${m}`));
  assert.deepEqual(missing, [], `${missing.length} of ${acked.length} missing`);
});
