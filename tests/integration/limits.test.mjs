// Limits and denials (docs/protocol.md, "Keepalive, limits, close codes" and
// "Subscribing"; patterns in docs/storage.md, "Allowances"): the rate limit,
// the keepalive timeout, slow consumers, forbidden topics and allowance
// patterns.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 40000 };
const RATE = 5;
let pg;
const s = {};

before(async () => {
  pg = await h.startPostgres();
  s.fast = await h.startSockd({
    databaseUrl: pg.url,
    args: {
      max_queued_bytes: 65536, messages_per_second: 100000,
      messages_burst: 100000,
      'allowance.team': "SELECT $1 = 'alice' AND $2 = 'red'",
      'allowance.own': "SELECT $3 = 'own:' || $1",
    },
  });
  const [rate, keep] = await Promise.all([
    h.startSockd({ databaseUrl: pg.url,
                   args: { messages_per_second: RATE, messages_burst: RATE,
                           db_pool_size: 2 } }),
    h.startSockd({ databaseUrl: pg.url,
                   args: { ping_interval: 1, ping_timeout: 3, db_pool_size: 2 } }),
  ]);
  Object.assign(s, { rate, keep });
  await h.allow(pg, [
    ['alice', 'chat:*'], ['bob', 'chat:*'], ['carol', 'chat:*'],
    ['bob', 'secret:1'],
    ['pat', 'room:exact'], ['pat', 'pre:fix*'], ['pat', 'lit:a_c'],
    ['pat', 'lit:100%'], ['pat', 'Case:Up'], ['pat', 'mid:a*b'],
    ['any', '*'],
  ]);
});

afterEach(() => h.closeAllClients());

after(async () => {
  h.closeAllClients();
  await Promise.all(Object.values(s).map((x) => x.stop().catch(() => x.kill())));
  if (pg) await pg.cleanup();
});

/// A full token bucket: RATE tokens refill in one second.
const refill = () => h.sleep(1000 + 300);

const relayOn = (topic) => (f) => f && f.topic === topic && f.payload
  && typeof f.payload === 'object' && typeof f.payload.m === 'string'
  && f.action === 12;

test('rate limit: of a burst of 20 with ids, the first 5 pass', T, async () => {
  const topic = h.uniqueTopic();
  const alice = await h.connect(s.rate, 'alice');
  const bob = await h.connect(s.rate, 'bob');
  await alice.subscribe(topic);
  await bob.subscribe(topic);
  await refill();
  for (let i = 0; i < 20; ++i) {
    alice.send({ action: 12, topic, payload: { m: `r${i}` }, id: `r${i}` });
  }
  for (let i = 0; i < 20; ++i) {
    const id = `r${i}`;
    const f = await alice.next((x) => h.isReply(x) && x.payload.id === id);
    if (i < RATE) {
      assert.deepEqual(f, { action: 'ACK', topic, payload: { id } });
    } else {
      assert.equal(f.action, 'ERROR', `frame ${i}: ${JSON.stringify(f)}`);
      assert.deepEqual(f, {
        action: 'ERROR', topic,
        payload: { code: 'rate_limited', message: f.payload.message,
                   request: 12, id },
      });
    }
  }
  await refill();
  alice.send({ action: 12, topic, payload: { m: 'after' }, id: 'after' });
  await alice.next(h.isAck('after'));
  for (const c of [alice, bob]) {
    const got = await c.nextN(relayOn(topic), RATE + 1);
    assert.deepEqual(got.map((f) => f.payload.m),
                     ['r0', 'r1', 'r2', 'r3', 'r4', 'after'],
                     `${c.sub}: only the first ${RATE} were relayed`);
  }
});

test('rate limit: without ids at most one rate_limited error per second', T,
     async () => {
  const topic = h.uniqueTopic();
  const alice = await h.connect(s.rate, 'alice');
  const bob = await h.connect(s.rate, 'bob');
  await alice.subscribe(topic);
  await bob.subscribe(topic);
  await refill();
  for (let i = 0; i < 20; ++i) {
    alice.send({ action: 12, topic, payload: { m: `n${i}` } });
  }
  const first = await alice.next(h.isError('rate_limited'));
  assert.equal(first.topic, topic);
  assert.equal(first.payload.id, undefined);
  await alice.none(h.isError('rate_limited'), 700);
  await refill();
  alice.send({ action: 12, topic, payload: { m: 'after' } });
  const got = await bob.nextN(relayOn(topic), RATE + 1);
  assert.deepEqual(got.map((f) => f.payload.m),
                   ['n0', 'n1', 'n2', 'n3', 'n4', 'after']);
  assert.equal(alice.isOpen, true, 'the connection is kept');
});

test('rate limit: keepalive frames are exempt, garbage is not', T, async () => {
  const topic = h.uniqueTopic();
  const alice = await h.connect(s.rate, 'alice');
  await alice.subscribe(topic);
  await refill();
  for (let i = 0; i < 10; ++i) alice.send({ payload: 'PONG' });
  for (let i = 0; i < 10; ++i) alice.send({ payload: 'PING' });
  for (let i = 0; i < RATE; ++i) {
    alice.send({ action: 12, topic, payload: { m: `k${i}` }, id: `k${i}` });
  }
  alice.send({ action: 12, topic, payload: { m: 'k-over' }, id: 'k-over' });
  const pongs = await alice.nextN((f) => f && f.payload === 'PONG', 10);
  assert.equal(pongs.length, 10);
  for (let i = 0; i < RATE; ++i) await alice.next(h.isAck(`k${i}`));
  await alice.next(h.isError('rate_limited', { id: 'k-over' }));
  assert.deepEqual(alice.queued(h.isError('rate_limited')), []);

  // Garbage counts like any frame.
  await refill();
  for (let i = 0; i < RATE; ++i) alice.send('garbage');
  alice.send({ action: 12, topic, payload: { m: 'g-over' }, id: 'g-over' });
  const errors = await alice.nextN((f) => f && f.action === 'ERROR'
                                        && f.payload.code === 'bad_frame', RATE);
  assert.equal(errors.length, RATE);
  // Not parsed: code and message only (8.11).
  assert.ok(errors.every((f) => Object.keys(f.payload).sort().join()
                                === 'code,message'), JSON.stringify(errors[0]));
  await alice.next(h.isError('rate_limited', { id: 'g-over' }));
  // Still connected, and served again once the bucket refills.
  await refill();
  alice.send({ action: 12, topic, payload: { m: 'k-after' }, id: 'k-after' });
  await alice.next(h.isAck('k-after'));
});

test('keepalive: PING every ping_interval; silent clients closed with 1001',
     T, async () => {
  const opened = Date.now();
  // Answers each {"payload":"PING"} with {"payload":"PONG"}.
  const answering = await h.connect(s.keep, 'alice', { answerPings: true });
  // Never answers, not even protocol pings.
  const silent = await h.connect(s.keep, 'bob', { autoPong: false });
  // Sends WebSocket pong control frames only: a sign of life as well.
  const ponging = await h.connect(s.keep, 'carol', { autoPong: false });
  const timer = setInterval(() => {
    if (ponging.isOpen) ponging.ws.pong();
  }, 500);
  try {
    const closed = await silent.closed(10000);
    const elapsed = Date.now() - opened;
    assert.equal(closed.code, 1001);
    assert.equal(closed.reason, 'ping timeout');
    assert.ok(elapsed >= 2500, `closed after ${elapsed} ms, ping_timeout is 3 s`);
    assert.ok(silent.queued({ payload: 'PING' }).length >= 1,
              'the silent client was pinged');
    const left = 4500 - (Date.now() - opened);
    if (left > 0) await h.sleep(left);
    assert.equal(answering.isOpen, true, 'a client answering PING stays');
    assert.equal(ponging.isOpen, true, 'a client sending pong frames stays');
    const pings = answering.queued((f) => f && f.payload === 'PING');
    assert.ok(pings.length >= 3, `${pings.length} PINGs in 4.5 s`);
    for (const p of pings) assert.deepEqual(p, { payload: 'PING' });
    await answering.roundTrip();
    await ponging.roundTrip();
  } finally {
    clearInterval(timer);
  }
});

test('slow consumer: closed, while a fast subscriber gets every message', T,
     async () => {
  const topic = h.uniqueTopic();
  const pub = await h.connect(s.fast, 'alice');
  const fast = await h.connect(s.fast, 'bob');
  const slow = await h.connect(s.fast, 'carol');
  for (const c of [pub, fast, slow]) await c.subscribe(topic);
  slow.ws._socket.pause(); // stops reading: the kernel buffers fill, then sockd's queue

  const pad = 'x'.repeat(1024);
  // Batches of a quarter of max_queued_bytes, each awaited at the fast
  // reader: a reading client never has more than that queued, the paused
  // one falls further behind with every batch.
  const batch = 16;
  const max_batches = 500; // 8 MiB at most, far beyond any socket buffers
  const left = `carol:${slow.cid}`;
  let sent = 0;
  let slow_gone = false;
  for (let b = 0; b < max_batches && !slow_gone; ++b) {
    for (let i = 0; i < batch; ++i, ++sent) {
      pub.send({ action: 12, topic, payload: { m: `s${sent}`, n: sent, pad } });
    }
    await fast.next({ topic, payload: { m: `s${sent - 1}` } }, 20000);
    await pub.next({ topic, payload: { m: `s${sent - 1}` } }, 20000);
    pub.take(relayOn(topic));
    slow_gone = fast.queued({ action: 4, topic, payload: left }).length > 0;
  }
  // Past the socket buffers sockd decided to close the paused client; its
  // departure is announced once the close is done or has timed out.
  if (!slow_gone) {
    await fast.next({ action: 4, topic, payload: left }, 15000).catch((err) => {
      err.message = `the paused client was not dropped after ${sent} `
                    + `messages of 1 KiB: ${err.message.slice(0, 300)}`;
      throw err;
    });
  }
  assert.ok(sent >= 64, 'at least max_queued_bytes were sent');
  // The fast subscriber got every message, in order. The waits above took
  // each batch's last frame out of the queue.
  const got = fast.take(relayOn(topic));
  const last_of_batch = (n) => (n + 1) % batch === 0;
  const expected = [...Array(sent).keys()].filter((n) => !last_of_batch(n));
  assert.deepEqual(got.map((f) => f.payload.n), expected);
  slow.ws._socket.resume();
  const { code } = await slow.closed(15000);
  assert.ok(code === 1008 || code === 1006, `slow consumer closed with ${code}`);
});

test('a forbidden topic: error forbidden, no membership', T, async () => {
  const alice = await h.connect(s.fast, 'alice');
  const bob = await h.connect(s.fast, 'bob');
  const topic = 'secret:1';
  await bob.subscribe(topic);
  alice.send({ action: 8, topic, id: 'fb-1' });
  const f = await alice.next((x) => x && x.topic === topic);
  assert.deepEqual(f, {
    action: 'ERROR', topic,
    payload: { code: 'forbidden', message: f.payload.message, request: 8,
               id: 'fb-1' },
  });
  assert.equal(typeof f.payload.message, 'string');
  alice.send({ action: 12, topic, payload: { m: 'intrude' }, id: 'fb-2' });
  await alice.next(h.isError('not_subscribed', { id: 'fb-2' }));
  bob.send({ action: 12, topic, payload: { m: 'fb-marker' } });
  const next = await bob.next((x) => x && x.topic === topic);
  assert.equal(next.payload.m, 'fb-marker', 'no leave or relay from alice');
  assert.deepEqual(alice.queued({ action: 8, topic }), [], 'no ack');
});

test('topic_allowances patterns: exact, trailing * prefix, literals, case', T,
     async () => {
  const pat = await h.connect(s.fast, 'pat');
  const any = await h.connect(s.fast, 'any');
  const cases = [
    [pat, 'room:exact', true], [pat, 'room:exact2', false],
    [pat, 'room:exac', false], [pat, 'pre:fix', true], [pat, 'pre:fix-1', true],
    [pat, 'pre:fi', false], [pat, 'lit:a_c', true], [pat, 'lit:abc', false],
    [pat, 'lit:100%', true], [pat, 'lit:1000', false], [pat, 'Case:Up', true],
    [pat, 'case:up', false], [pat, 'Case:up', false], [pat, 'mid:a*b', true],
    [pat, 'mid:axb', false], [pat, 'chat:1', false],
    [any, 'whatever:1', true], [any, 'chat:2', true], [any, 'x/y:z', true],
  ];
  for (const [c, topic, allowed] of cases) {
    c.send({ action: 8, topic });
    const f = await c.next((x) => x && x.topic === topic);
    if (allowed) {
      assert.deepEqual(f, { action: 8, topic }, `${c.sub} may join ${topic}`);
    } else {
      assert.equal(f.action, 'ERROR', `${c.sub} may not join ${topic}`);
      assert.equal(f.payload.code, 'forbidden', topic);
    }
  }
});

test('configured allowance queries get $1 sub, $2 handle, $3 topic', T,
     async () => {
  const alice = await h.connect(s.fast, 'alice');
  const bob = await h.connect(s.fast, 'bob');
  const cases = [
    [alice, 'team:red', true], [alice, 'team:blue', false],
    [bob, 'team:red', false], [alice, 'own:alice', true],
    [alice, 'own:bob', false], [bob, 'own:bob', true],
  ];
  for (const [c, topic, allowed] of cases) {
    c.send({ action: 8, topic });
    const f = await c.next((x) => x && x.topic === topic);
    if (allowed) {
      assert.deepEqual(f, { action: 8, topic }, `${c.sub} may join ${topic}`);
    } else {
      assert.equal(f.action, 'ERROR', `${c.sub} may not join ${topic}`);
      assert.equal(f.payload.code, 'forbidden', topic);
    }
  }
});
