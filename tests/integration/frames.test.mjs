// Frame validation (docs/protocol.md, "Frames"; the closes in "Keepalive,
// limits, close codes"): error frames for bad input with the connection
// kept, closes for binary and oversized frames, and the exact shape of
// error frames.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 30000 };
const MAX = 1024;
// Garbage counts against the rate limit: lift it, this file sends plenty.
const server = h.useServer({
  args: { max_frame_bytes: MAX, messages_per_second: 100000,
          messages_burst: 100000 },
  allowances: [['alice', 'chat:*'], ['bob', 'chat:*']],
});

const anyError = (f) => f && f.action === 'ERROR';

/// The connection still works: keepalive, subscribe and relay.
async function assertAlive(c) {
  await c.roundTrip();
  const topic = h.uniqueTopic();
  await c.subscribe(topic);
  c.send({ action: 12, topic, payload: { m: 'alive' } });
  await c.next({ topic, payload: { m: 'alive' } });
}

function assertErrorFrame(f, code, what) {
  assert.equal(f.action, 'ERROR', what);
  assert.ok(f.payload && typeof f.payload === 'object', `${what}: payload`);
  assert.equal(f.payload.code, code, `${what}: ${JSON.stringify(f)}`);
  assert.equal(typeof f.payload.message, 'string', `${what}: message`);
  assert.ok(f.payload.message.length > 0, `${what}: message not empty`);
}

test('not a JSON object: bad_frame, connection kept', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  const topic = h.uniqueTopic();
  const inputs = ['not json', '{"action":', '{"action":8,"topic":"chat:x"',
                  '[1,2]', '[]', `[{"action":8,"topic":"${topic}"}]`,
                  '"text"', '42', 'null', 'true', ''];
  for (const input of inputs) {
    c.send(input);
    const f = await c.next(anyError);
    assertErrorFrame(f, 'bad_frame', `input ${JSON.stringify(input)}`);
    // Not parsed: code and message only, no request (8.11).
    assert.deepEqual(Object.keys(f.payload).sort(), ['code', 'message'],
                     `input ${JSON.stringify(input)}`);
    assert.equal(c.isOpen, true);
  }
  // The array holding a SUBSCRIBE did not subscribe.
  c.send({ action: 12, topic, payload: {}, id: 'arr' });
  await c.next(h.isError('not_subscribed', { id: 'arr' }));
  await assertAlive(c);
});

test('missing or wrong-typed action: bad_action with the id', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  const topic = h.uniqueTopic();
  await c.subscribe(topic);
  const bad = [undefined, null, true, false, 1.5, {}, [8], { n: 8 }];
  for (const [i, action] of bad.entries()) {
    const id = `ba-${i}`;
    const frame = { topic, payload: { m: id }, id };
    if (action !== undefined) frame.action = action;
    c.send(frame);
    const f = await c.next(anyError);
    assertErrorFrame(f, 'bad_action', `action ${JSON.stringify(action)}`);
    assert.equal(f.payload.id, id);
  }
  await c.roundTrip();
  assert.deepEqual(c.queued((f) => f && f.topic === topic && f.payload
                                && typeof f.payload.m === 'string'), [],
                   'nothing was relayed');
  assert.deepEqual(c.queued((f) => f && f.action === 'ACK'), [], 'no ACK');
  await assertAlive(c);
});

test('topic missing, without ":", or with an empty type or handle: bad_frame',
     T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  const bad = [undefined, 'notopic', ':handle', 'chat:', ':', '', 42, null,
               { type: 'chat' }];
  for (const action of [12, 8, 'SUBSCRIBE', 'normal-message', 9]) {
    for (const [i, topic] of bad.entries()) {
      const id = `tp-${action}-${i}`;
      const frame = { action, payload: { m: id }, id };
      if (topic !== undefined) frame.topic = topic;
      c.send(frame);
      const f = await c.next(anyError);
      assertErrorFrame(f, 'bad_frame',
                       `action ${action} topic ${JSON.stringify(topic)}`);
      assert.equal(f.payload.id, id);
    }
  }
  await assertAlive(c);
});

test('id not a string of at most 64 characters: bad_frame', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  const topic = h.uniqueTopic();
  await c.subscribe(topic);
  for (const id of [42, true, {}, ['a'], 'x'.repeat(65)]) {
    c.send({ action: 12, topic, payload: { m: 'bad-id' }, id });
    const f = await c.next(anyError);
    assertErrorFrame(f, 'bad_frame', `id ${JSON.stringify(id)}`);
  }
  // 64 characters is fine.
  const id = 'y'.repeat(64);
  c.send({ action: 12, topic, payload: { m: 'good-id' }, id });
  await c.next({ topic, payload: { m: 'good-id' } });
  assert.deepEqual(await c.next(h.isAck(id)),
                   { action: 'ACK', topic, payload: { id } });
  await c.roundTrip();
  assert.deepEqual(c.queued({ topic, payload: { m: 'bad-id' } }), [],
                   'frames with a bad id are not relayed');
});

test('server-only actions from a client: bad_action, never relayed', T,
     async () => {
  const topic = h.uniqueTopic();
  const alice = await h.connect(server.sockd, 'alice');
  const bob = await h.connect(server.sockd, 'bob');
  await alice.subscribe(topic);
  await bob.subscribe(topic);
  for (const action of [4, 7, 'ERROR', 'ACK']) {
    const id = `so-${action}`;
    alice.send({ action, topic, payload: { m: id }, id });
    const f = await alice.next(anyError);
    assert.deepEqual(f, {
      action: 'ERROR', topic,
      payload: { code: 'bad_action', message: f.payload.message,
                 request: action, id },
    }, `action ${action}`);
    assert.equal(typeof f.payload.message, 'string');
  }
  alice.send({ action: 12, topic, payload: { m: 'so-marker' } });
  const f = await bob.next((x) => x && x.topic === topic);
  assert.equal(f.payload.m, 'so-marker', 'bob got none of the refused frames');
});

test('error frame shape: {action:"ERROR",topic,payload:{code,message,request,id}}',
     T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  const topic = h.uniqueTopic();
  c.send({ action: 'normal-message', topic, payload: { x: 1 }, id: 'shape-1' });
  const f = await c.next(anyError);
  assert.deepEqual(Object.keys(f).sort(), ['action', 'payload', 'topic']);
  assert.deepEqual(Object.keys(f.payload).sort(),
                   ['code', 'id', 'message', 'request']);
  assert.deepEqual(f, {
    action: 'ERROR', topic,
    payload: { code: 'not_subscribed', message: f.payload.message,
               request: 'normal-message', id: 'shape-1' },
  });
  // Without an id, there is no id in the error either.
  c.send({ action: 12, topic, payload: { x: 1 } });
  const g = await c.next(anyError);
  assert.equal(g.payload.code, 'not_subscribed');
  assert.equal(g.payload.request, 12);
  assert.equal(g.payload.id, undefined);
});

test('a binary frame closes the socket with 1003', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  c.sendBinary(Buffer.from(JSON.stringify({ payload: 'PING' })));
  const { code } = await c.closed();
  assert.equal(code, 1003);
});

test('max_frame_bytes: exactly the limit passes, one byte more closes 1009', T,
     async () => {
  const c = await h.connect(server.sockd, 'alice');
  const topic = h.uniqueTopic();
  await c.subscribe(topic);
  const frame_of = (size, m) => {
    const head = `{"action":12,"topic":"${topic}","payload":{"m":"${m}","pad":"`;
    const tail = '"}}';
    const text = head + 'p'.repeat(size - head.length - tail.length) + tail;
    assert.equal(Buffer.byteLength(text), size);
    JSON.parse(text);
    return text;
  };
  c.send(frame_of(MAX, 'exact'));
  const f = await c.next({ topic, payload: { m: 'exact' } });
  assert.equal(f.sender, c.cid);
  c.send(frame_of(MAX + 1, 'over'));
  const { code } = await c.closed();
  assert.equal(code, 1009);
  assert.deepEqual(c.queued({ topic, payload: { m: 'over' } }), []);
});
