// The whole Awayto client flow against the real sockd: ticket, upgrade,
// subscribe, relay, targeted delivery, acknowledgements, unsubscribe,
// disconnect, keepalive frames and per-topic ordering (docs/protocol.md,
// "Tickets and upgrade" to "Relays", and "Keepalive, limits, close codes").
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 30000 };
// Ordering sends 100 frames per sender at once: lift the rate limit.
const server = h.useServer({
  args: { messages_per_second: 100000, messages_burst: 100000 },
  allowances: [
    ['alice', 'chat:*'], ['bob', 'chat:*'], ['carol', 'chat:*'],
    ['dave', 'chat:*'], ['alice', 'exchange/0:*'], ['bob', 'exchange/0:*'],
  ],
});

/// Connects each sub and joins `topic` with all of them.
const joined = (topic, ...subs) => h.joined(server.sockd, topic, ...subs);

/// A relayed frame on `topic` whose payload carries marker `m`.
const relay = (topic, m) => {
  const fn = (f) => f && f.topic === topic && f.payload !== null
    && typeof f.payload === 'object' && f.payload.m === m
    && f.action !== 'ERROR' && f.action !== 'ACK';
  fn.label = `relay ${m} on ${topic}`;
  return fn;
};

/// Any relayed frame on `topic` (not an ack, error, leave or control answer).
const anyRelay = (topic) => {
  const fn = (f) => f && f.topic === topic && typeof f.sender === 'string'
    && f.action !== 4 && f.action !== 'ERROR' && f.action !== 'ACK';
  fn.label = `any relay on ${topic}`;
  return fn;
};

function assertStamp(frame, sentAt) {
  assert.match(frame.timestamp, h.ISO_MS_RE, 'timestamp is ISO-8601 UTC with ms');
  const at = Date.parse(frame.timestamp);
  assert.ok(at >= sentAt - 5000 && at <= Date.now() + 5000,
            `timestamp ${frame.timestamp} is the server's now`);
}

test('tickets from /ticket and /v1/sock/ticket both open a socket', T, async () => {
  for (const path of ['/ticket', '/v1/sock/ticket']) {
    const res = await h.getTicket(server.sockd, h.userToken('alice'), { path });
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    assert.deepEqual(Object.keys(res.body), ['ticket']);
    assert.match(res.body.ticket, h.TICKET_RE);
    const c = await h.openSocket(server.sockd, res.body.ticket);
    assert.equal(c.cid, res.body.ticket.split(':')[1]);
    await c.roundTrip();
    const topic = h.uniqueTopic();
    await c.subscribe(topic);
    await c.close();
  }
});

test('SUBSCRIBE by number or by name (any case) is acked with action 8', T,
     async () => {
  const c = await h.connect(server.sockd, 'alice');
  for (const action of [8, 'SUBSCRIBE', 'subscribe', 'Subscribe']) {
    const topic = h.uniqueTopic();
    // Awayto's transmit() sends store:false along.
    c.send({ store: false, action, topic });
    const ack = await c.next((f) => f && f.topic === topic);
    assert.deepEqual(ack, { action: 8, topic }, `ack for action ${action}`);
  }
});

test('SUBSCRIBE with an id also gets an ACK', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  const topic = h.uniqueTopic();
  c.send({ action: 8, topic, id: 'sub-1' });
  assert.deepEqual(await c.next({ action: 8, topic }), { action: 8, topic });
  assert.deepEqual(await c.next(h.isAck('sub-1')),
                   { action: 'ACK', topic, payload: { id: 'sub-1' } });
});

test('a relay sent right after the SUBSCRIBE ack is accepted', T, async () => {
  // Awayto's client transmits as soon as the ack arrives: once it is sent,
  // the connection has joined.
  const c = await h.connect(server.sockd, 'alice');
  for (let i = 0; i < 500; ++i) {
    const topic = h.uniqueTopic();
    c.send({ action: 8, topic });
    assert.deepEqual(await c.next((f) => f && f.topic === topic),
                     { action: 8, topic });
    c.send({ action: 12, topic, payload: { m: `j${i}` }, id: `j${i}` });
    const f = await c.next((x) => x && x.topic === topic
                              && (x.action === 12 || x.action === 'ERROR'));
    assert.equal(f.action, 12, `relay ${i} right after the ack: `
                               + JSON.stringify(f));
    await c.next(h.isAck(`j${i}`));
    // Leave again: a socket holds at most max_topics_per_connection.
    c.send({ action: 9, topic });
    await c.next((x) => x && x.topic === topic && x.action === 9);
  }
});

test('a relay reaches every subscriber, sender included, stamped by the server',
     T, async () => {
  const topic = h.uniqueTopic();
  const [alice, bob, carol] = await joined(topic, 'alice', 'bob', 'carol');
  const sentAt = Date.now();
  // Everything besides action, topic, payload and store is the client's
  // opinion and must not come through; a top-level target is no target.
  alice.send({
    action: 12, topic, payload: { m: 'hi', message: 'hello' }, store: false,
    id: 'm-1', sender: 'forged-sender', timestamp: '2000-01-01T00:00:00.000Z',
    historical: true, target: bob.cid, actionName: 'TEXT',
  });
  const frames = [];
  for (const c of [alice, bob, carol]) frames.push(await c.next(relay(topic, 'hi')));
  for (const f of frames) {
    assert.deepEqual(f, {
      action: 12, topic, sender: alice.cid, timestamp: f.timestamp,
      payload: { m: 'hi', message: 'hello' },
    });
    assertStamp(f, sentAt);
  }
  assert.equal(frames[1].timestamp, frames[0].timestamp);
  assert.equal(frames[2].timestamp, frames[0].timestamp);
  assert.deepEqual(await alice.next(h.isAck('m-1')),
                   { action: 'ACK', topic, payload: { id: 'm-1' } });
  // The ACK goes to the sender only.
  await bob.roundTrip();
  assert.deepEqual(bob.queued((f) => f && f.action === 'ACK'), []);
});

test('the action is echoed as sent, number or string', T, async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await joined(topic, 'alice', 'bob');
  const actions = [0, 1, 5, 11, 12, 13, 14, 21, 25, 99, 1000,
                   'normal-message', 'stored-message', 'TEXT'];
  for (const [i, action] of actions.entries()) {
    alice.send({ action, topic, payload: { m: `a${i}` } });
  }
  for (const c of [alice, bob]) {
    for (const [i, action] of actions.entries()) {
      const f = await c.next(relay(topic, `a${i}`));
      assert.equal(f.action, action);
      assert.equal(f.sender, alice.cid);
      assert.equal('store' in f, false, 'store is only present when true');
    }
  }
});

test('payload.target delivers to that connection and the sender only', T,
     async () => {
  const topic = h.uniqueTopic();
  const [alice, bob, carol] = await joined(topic, 'alice', 'bob', 'carol');
  alice.send({ action: 13, topic, payload: { m: 't1', target: bob.cid, sdp: 'x' },
               id: 'tg-1' });
  for (const c of [alice, bob]) {
    const f = await c.next(relay(topic, 't1'));
    assert.deepEqual(f, {
      action: 13, topic, sender: alice.cid, timestamp: f.timestamp,
      payload: { m: 't1', target: bob.cid, sdp: 'x' },
    });
  }
  await alice.next(h.isAck('tg-1'));
  // Per-topic order is the same for everyone: carol's next relay on the
  // topic must be the broadcast sent after the targeted one.
  alice.send({ action: 13, topic, payload: { m: 't2' } });
  const next = await carol.next(anyRelay(topic));
  assert.equal(next.payload.m, 't2', 'carol did not get the targeted frame');
  await alice.next(relay(topic, 't2'));
  await bob.next(relay(topic, 't2'));
});

test('without an id: no ACK, but a bad target is still an ERROR', T,
     async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await joined(topic, 'alice', 'bob');
  alice.send({ action: 13, topic, payload: { m: 'p1' } });
  for (const c of [alice, bob]) await c.next(relay(topic, 'p1'));
  alice.send({ action: 13, topic, payload: { m: 'p2', target: 'nobody' } });
  const err = await alice.next(h.isError('bad_target'));
  assert.deepEqual(err, {
    action: 'ERROR', topic,
    payload: { code: 'bad_target', message: err.payload.message,
               request: 13 },
  });
  alice.send({ action: 13, topic, payload: { m: 'p3' } });
  for (const c of [alice, bob]) {
    const f = await c.next(anyRelay(topic));
    assert.equal(f.payload.m, 'p3', `${c.sub} got nothing in between`);
  }
  await alice.roundTrip();
  assert.deepEqual(alice.queued((f) => f && f.action === 'ACK'), [],
                   'frames without an id get no ACK');
});

test('a target that is not a subscribed connection id: bad_target, dropped', T,
     async () => {
  const topic = h.uniqueTopic();
  const [alice, bob, carol] = await joined(topic, 'alice', 'bob', 'carol');
  const dave = await h.connect(server.sockd, 'dave'); // connected, not subscribed
  const targets = [dave.cid, `bob:${bob.cid}`, crypto.randomUUID()];
  for (const [i, target] of targets.entries()) {
    const id = `bt-${i}`;
    alice.send({ action: 13, topic, payload: { m: id, target }, id });
    const err = await alice.next(h.isError('bad_target', { id }));
    assert.equal(typeof err.payload.message, 'string');
    assert.deepEqual(err, {
      action: 'ERROR', topic,
      payload: { code: 'bad_target', message: err.payload.message,
                 request: 13, id },
    });
  }
  alice.send({ action: 13, topic, payload: { m: 'bt-marker' } });
  for (const c of [alice, bob, carol]) {
    const f = await c.next(anyRelay(topic));
    assert.equal(f.payload.m, 'bt-marker',
                 `${c.sub} got no frame meant for a bad target`);
  }
  assert.deepEqual(alice.queued((f) => f && f.action === 'ACK'), [],
                   'a refused frame gets no ACK');
  await dave.roundTrip();
  assert.deepEqual(dave.queued((f) => f && f.topic === topic), []);
});

test('a non-string target is ignored: ordinary broadcast', T, async () => {
  const topic = h.uniqueTopic();
  const [alice, bob, carol] = await joined(topic, 'alice', 'bob', 'carol');
  const targets = [42, null, { cid: bob.cid }, [bob.cid], true];
  for (const [i, target] of targets.entries()) {
    alice.send({ action: 13, topic, payload: { m: `nt${i}`, target } });
  }
  for (const c of [alice, bob, carol]) {
    for (const [i, target] of targets.entries()) {
      const f = await c.next(relay(topic, `nt${i}`));
      assert.deepEqual(f.payload, { m: `nt${i}`, target });
    }
  }
});

test('UNSUBSCRIBE: ack 9 to the leaver, action 4 to the others', T, async () => {
  const topic = h.uniqueTopic();
  const [alice, bob, carol] = await joined(topic, 'alice', 'bob', 'carol');
  bob.send({ action: 9, topic });
  assert.deepEqual(await bob.next((f) => f && f.topic === topic),
                   { action: 9, topic });
  const leaver = `bob:${bob.cid}`;
  for (const c of [alice, carol]) {
    assert.deepEqual(await c.next({ action: 4, topic }),
                     { action: 4, topic, sender: leaver, payload: leaver });
  }
  // bob is gone from the topic: no relay reaches him, his own relay is refused.
  alice.send({ action: 12, topic, payload: { m: 'after-leave' } });
  await alice.next(relay(topic, 'after-leave'));
  await carol.next(relay(topic, 'after-leave'));
  await bob.roundTrip();
  await bob.none((f) => f && f.topic === topic, 200);
  bob.send({ action: 12, topic, payload: { m: 'x' }, id: 'ns-1' });
  const err = await bob.next(h.isError('not_subscribed', { id: 'ns-1' }));
  assert.equal(err.topic, topic);
  // The name works too, in any case.
  await bob.subscribe(topic);
  bob.send({ action: 'Unsubscribe', topic });
  assert.deepEqual(await bob.next((f) => f && f.topic === topic),
                   { action: 9, topic });
  for (const c of [alice, carol]) {
    assert.deepEqual(await c.next({ action: 4, topic }),
                     { action: 4, topic, sender: leaver, payload: leaver });
  }
});

test('a member disconnecting (clean or abrupt) is announced with action 4', T,
     async () => {
  const topic = h.uniqueTopic();
  const [alice, bob, carol, dave] =
    await joined(topic, 'alice', 'bob', 'carol', 'dave');
  await carol.close();
  for (const c of [alice, bob, dave]) {
    assert.deepEqual(await c.next({ action: 4, topic }),
                     { action: 4, topic, sender: `carol:${carol.cid}`,
                       payload: `carol:${carol.cid}` });
  }
  dave.terminate(); // TCP reset, no close frame
  for (const c of [alice, bob]) {
    assert.deepEqual(await c.next({ action: 4, topic }),
                     { action: 4, topic, sender: `dave:${dave.cid}`,
                       payload: `dave:${dave.cid}` });
  }
});

test('subscribing twice: second ack, one membership', T, async () => {
  const topic = h.uniqueTopic();
  const [alice] = await joined(topic, 'alice');
  const bob = await h.connect(server.sockd, 'bob');
  bob.send({ action: 8, topic });
  bob.send({ action: 8, topic });
  assert.deepEqual(await bob.next((f) => f && f.topic === topic),
                   { action: 8, topic });
  assert.deepEqual(await bob.next((f) => f && f.topic === topic),
                   { action: 8, topic });
  alice.send({ action: 12, topic, payload: { m: 'd1' } });
  alice.send({ action: 12, topic, payload: { m: 'd2' } });
  assert.equal((await bob.next(anyRelay(topic))).payload.m, 'd1');
  assert.equal((await bob.next(anyRelay(topic))).payload.m, 'd2',
               'the first relay was not delivered twice');
  // One UNSUBSCRIBE leaves completely.
  bob.send({ action: 9, topic });
  assert.deepEqual(await bob.next({ action: 9, topic }), { action: 9, topic });
  await alice.next({ action: 4, topic });
  alice.send({ action: 12, topic, payload: { m: 'd3' } });
  await alice.next(relay(topic, 'd3'));
  await bob.roundTrip();
  await bob.none(anyRelay(topic), 200);
});

test('a relay on a topic not joined: not_subscribed, not delivered', T,
     async () => {
  const topic = h.uniqueTopic();
  const [bob] = await joined(topic, 'bob');
  const alice = await h.connect(server.sockd, 'alice');
  alice.send({ action: 12, topic, payload: { m: 'nj' }, id: 'nj-1' });
  const err = await alice.next(h.isError('not_subscribed'));
  assert.equal(typeof err.payload.message, 'string');
  assert.deepEqual(err, {
    action: 'ERROR', topic,
    payload: { code: 'not_subscribed', message: err.payload.message,
               request: 12, id: 'nj-1' },
  });
  bob.send({ action: 12, topic, payload: { m: 'nj-marker' } });
  assert.equal((await bob.next(anyRelay(topic))).payload.m, 'nj-marker');
  assert.deepEqual(alice.queued(h.isAck('nj-1')), []);
});

test('keepalive frames: PING is answered with PONG, PONG is silent', T,
     async () => {
  const c = await h.connect(server.sockd, 'alice');
  c.send({ payload: 'PONG' });
  c.send({ payload: 'PING' });
  // Nothing (no error) may come before the answer to the PING.
  assert.deepEqual(await c.next(), { payload: 'PONG' });
  c.send({ payload: 'PING' });
  assert.deepEqual(await c.next(), { payload: 'PONG' });
});

test('Awayto text provider flow on exchange/0 (topic_allowances rule)', T,
     async () => {
  // Without Awayto's tables, exchange/* falls back to topic_allowances.
  const topic = `exchange/0:${crypto.randomUUID()}`;
  const alice = await h.connect(server.sockd, 'alice', { ticketPath: '/v1/sock/ticket' });
  const bob = await h.connect(server.sockd, 'bob', { ticketPath: '/v1/sock/ticket' });
  alice.send({ store: false, action: 8, topic });
  assert.deepEqual(await alice.next((f) => f && f.topic === topic),
                   { action: 8, topic });
  bob.send({ store: false, action: 8, topic });
  assert.deepEqual(await bob.next((f) => f && f.topic === topic),
                   { action: 8, topic });
  const sentAt = Date.now();
  bob.send({ store: false, action: 12, topic,
             payload: { m: 'text', message: 'hello alice', style: 'utterance' } });
  for (const c of [alice, bob]) {
    const f = await c.next(relay(topic, 'text'));
    assert.equal(f.sender, bob.cid);
    assertStamp(f, sentAt);
  }
  const carol = await h.connect(server.sockd, 'carol'); // no exchange allowance
  carol.send({ action: 8, topic, id: 'fx' });
  const err = await carol.next(h.isError('forbidden', { id: 'fx' }));
  assert.equal(err.payload.request, 8);
});

test('ordering: 200 frames from two senders arrive in one order everywhere', T,
     async () => {
  const topic = h.uniqueTopic();
  const [alice, bob, carol] = await joined(topic, 'alice', 'bob', 'carol');
  const per_sender = 100;
  for (let i = 0; i < per_sender; ++i) {
    alice.send({ action: 12, topic, payload: { m: `a${i}`, from: 'a', n: i } });
    bob.send({ action: 12, topic, payload: { m: `b${i}`, from: 'b', n: i } });
  }
  const seen = [];
  for (const c of [alice, bob, carol]) {
    const frames = await c.nextN(anyRelay(topic), 2 * per_sender, 20000);
    seen.push(frames.map((f) => f.payload.m));
    for (const from of ['a', 'b']) {
      const ns = frames.filter((f) => f.payload.from === from)
        .map((f) => f.payload.n);
      assert.deepEqual(ns, [...Array(per_sender).keys()],
                       `${c.sub} sees ${from}'s frames in sending order`);
    }
    await c.roundTrip();
    assert.deepEqual(c.queued(anyRelay(topic)), [], 'no duplicates');
  }
  assert.deepEqual(seen[1], seen[0], 'bob sees the order alice sees');
  assert.deepEqual(seen[2], seen[0], 'carol sees the order alice sees');
});
