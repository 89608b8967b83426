// Stored messages, history, participants, Awayto's exchange allowance and a
// database outage (docs/protocol.md, "Storage and history" and
// "Participants"; docs/storage.md).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, afterEach, before, test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 40000 };
const S = h.SCHEMA;
let pg;
let sockd;

// Every stored message that got its ACK: [topic, m].
const acked = [];

// Awayto's exchange rule: the user made the booking's quote or owns its
// schedule bracket slot (db/allowances.cpp reads these columns).
const U = {
  quoter: crypto.randomUUID(), slotOwner: crypto.randomUUID(),
  stranger: crypto.randomUUID(),
};
const BOOKING = crypto.randomUUID();
const OTHER_BOOKING = crypto.randomUUID();

before(async () => {
  pg = await h.startPostgres();
  const q1 = crypto.randomUUID();
  const q2 = crypto.randomUUID();
  const s1 = crypto.randomUUID();
  const s2 = crypto.randomUUID();
  // Awayto's tables exist before sockd starts: exchange/* use its rule.
  await pg.psql(`
    CREATE SCHEMA ${S};
    CREATE TABLE ${S}.quotes (id uuid PRIMARY KEY, created_sub uuid NOT NULL);
    CREATE TABLE ${S}.schedule_bracket_slots (
      id uuid PRIMARY KEY, created_sub uuid NOT NULL);
    CREATE TABLE ${S}.bookings (
      id uuid PRIMARY KEY,
      quote_id uuid NOT NULL REFERENCES ${S}.quotes (id),
      schedule_bracket_slot_id uuid NOT NULL
        REFERENCES ${S}.schedule_bracket_slots (id));
    INSERT INTO ${S}.quotes VALUES ('${q1}', '${U.quoter}'),
                                   ('${q2}', '${U.stranger}');
    INSERT INTO ${S}.schedule_bracket_slots VALUES ('${s1}', '${U.slotOwner}'),
                                                   ('${s2}', '${U.stranger}');
    INSERT INTO ${S}.bookings VALUES ('${BOOKING}', '${q1}', '${s1}'),
                                     ('${OTHER_BOOKING}', '${q2}', '${s2}');`);
  sockd = await h.startSockd({
    databaseUrl: pg.url,
    args: { messages_per_second: 100000, messages_burst: 100000 },
  });
  await h.allow(pg, [
    ['alice', 'chat:*'], ['bob', 'chat:*'], ['carol', 'chat:*'],
    // topic_allowances does not decide exchange/* while Awayto's rule is on.
    [U.stranger, 'exchange/0:*'],
  ]);
});

afterEach(() => h.closeAllClients());

after(async () => {
  h.closeAllClients();
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
});

/// Connects each sub and joins `topic` with all of them.
const joined = (topic, ...subs) => h.joined(sockd, topic, ...subs);

const relay = (topic, m) => {
  const fn = (f) => f && f.topic === topic && f.payload
    && typeof f.payload === 'object' && f.payload.m === m && !f.historical
    && f.action !== 'ERROR' && f.action !== 'ACK';
  fn.label = `live ${m} on ${topic}`;
  return fn;
};

/// Stores one message (id = m) and waits for its echo and ACK; returns the
/// frame as broadcast.
async function store(c, topic, m, action = 12) {
  c.send({ action, topic, payload: { m, text: `message ${m}` }, store: true,
           id: m });
  const live = await c.next(relay(topic, m));
  await c.next(h.isAck(m));
  acked.push([topic, m]);
  return live;
}

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
  const out = await pg.psql(
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

test('LOAD_SUBSCRIBERS: online users and offline writers, sent to all', T,
     async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await joined(topic, 'alice', 'bob');
  const [carol] = await joined(topic, 'carol');
  await store(carol, topic, 'ls-carol');
  await carol.close();
  await alice.next({ action: 4, topic, payload: `carol:${carol.cid}` });
  await bob.next({ action: 4, topic, payload: `carol:${carol.cid}` });
  await store(alice, topic, 'ls-alice');
  bob.take(() => true);
  alice.send({ action: 10, topic, id: 'ls-1' });
  const person = (sub, cids, online) => ({
    scid: sub, cids, name: '', role: '', color: '', exists: true, online,
  });
  const expected = {
    action: 10, topic, sender: alice.cid,
    payload: {
      alice: person('alice', [alice.cid], true),
      bob: person('bob', [bob.cid], true),
      carol: person('carol', [carol.cid], false),
    },
  };
  for (const c of [alice, bob]) {
    assert.deepEqual(await c.next({ action: 10, topic }), expected,
                     `${c.sub}'s participant list`);
  }
  await alice.next(h.isAck('ls-1'));
});

test('LOAD_MESSAGES, LOAD_SUBSCRIBERS and UNSUBSCRIBE need a joined topic', T,
     async () => {
  const topic = h.uniqueTopic();
  const [bob] = await joined(topic, 'bob');
  await store(bob, topic, 'nj-0');
  const alice = await h.connect(sockd, 'alice');
  for (const action of [6, 10, 9, 'LOAD_MESSAGES', 'load_subscribers',
                        'UNSUBSCRIBE']) {
    const id = `nj-${action}`;
    alice.send({ action, topic, payload: { page: 1, pageSize: 10 }, id });
    const f = await alice.next((x) => h.isReply(x) && x.payload.id === id);
    assert.deepEqual(f, {
      action: 'ERROR', topic,
      payload: { code: 'not_subscribed', message: f.payload.message,
                 request: action, id },
    }, `action ${action}`);
  }
  await alice.roundTrip();
  assert.deepEqual(alice.queued((f) => f && f.topic === topic), []);
  await bob.roundTrip();
  assert.deepEqual(bob.queued((f) => f && f.action === 10), []);
});

test("exchange/0..2 follow Awayto's booking rule when its tables exist", T,
     async () => {
  const quoter = await h.connect(sockd, U.quoter);
  const owner = await h.connect(sockd, U.slotOwner);
  const stranger = await h.connect(sockd, U.stranger);
  const check = async (c, topic, allowed, who) => {
    c.send({ action: 8, topic });
    const f = await c.next((x) => x && x.topic === topic);
    if (allowed) {
      assert.deepEqual(f, { action: 8, topic }, `${who} may join ${topic}`);
    } else {
      assert.equal(f.action, 'ERROR', `${who} may not join ${topic}: `
                                      + JSON.stringify(f));
      assert.equal(f.payload.code, 'forbidden', `${who} on ${topic}`);
    }
  };
  for (const type of ['exchange/0', 'exchange/1', 'exchange/2']) {
    await check(quoter, `${type}:${BOOKING}`, true, 'the quote creator');
    await check(owner, `${type}:${BOOKING}`, true, 'the slot owner');
    // stranger also has a topic_allowances row for exchange/0:*, which
    // does not count under Awayto's rule.
    await check(stranger, `${type}:${BOOKING}`, false, 'a stranger');
    await check(stranger, `${type}:${OTHER_BOOKING}`, true, 'its own booking');
    await check(quoter, `${type}:${OTHER_BOOKING}`, false, 'another booking');
    await check(quoter, `${type}:${crypto.randomUUID()}`, false,
                'an unknown booking');
    await check(quoter, `${type}:not-a-uuid`, false, 'a handle not a uuid');
  }
  // Messages flow between the two participants.
  const topic = `exchange/0:${BOOKING}`;
  quoter.send({ action: 12, topic, payload: { m: 'xq', message: 'hello' } });
  const f = await owner.next(relay(topic, 'xq'));
  assert.equal(f.sender, quoter.cid);
});

test('database outage: relays go on, storage says unavailable, then recovers',
     { timeout: 60000 }, async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await joined(topic, 'alice', 'bob');
  await store(alice, topic, 'out-0');
  await bob.next(relay(topic, 'out-0'));
  await pg.stop();
  await h.waitReady(sockd, { status: 503, timeout: 15000 });

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
  const carol = await h.connect(sockd, 'carol');
  await carol.roundTrip();
  // Membership is in memory: UNSUBSCRIBE works.
  bob.send({ action: 9, topic });
  assert.deepEqual(await bob.next({ action: 9, topic }), { action: 9, topic });
  assert.deepEqual(await alice.next({ action: 4, topic }),
                   { action: 4, topic, sender: `bob:${bob.cid}`,
                     payload: `bob:${bob.cid}` });

  await pg.start();
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
  await h.waitReady(sockd, { timeout: 15000 });
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
  await h.eventually(async () => (await pg.psql(
    `SELECT count(*) FROM ${S}.sock_connections
     WHERE connection_id = ${h.sqlString(carol.cid)}`)) === '1',
  { timeout: 10000, what: "carol's sock_connections row" });
  // The refused stored message was not stored.
  const stored = (await rows(topic)).map((r) => r.message.payload.m);
  assert.ok(!stored.includes('o-store'), 'the refused message is not stored');
});

test('every ACKed stored message is in topic_messages', T, async () => {
  assert.ok(acked.length > 0);
  await pg.start(); // in case the outage test stopped halfway
  const out = await pg.psql(
    `SELECT topic || ' ' || (message->'payload'->>'m')
     FROM ${S}.topic_messages`);
  const present = new Set(out.split('\n'));
  const missing = acked.filter(([t, m]) => !present.has(`${t} ${m}`));
  assert.deepEqual(missing, [], `${missing.length} of ${acked.length} missing`);
});
