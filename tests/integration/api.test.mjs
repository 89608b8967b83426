// The backend API on one node (docs/api.md): answers and errors of
// POST /api/publish, /api/disconnect, GET /api/presence, /api/info against
// the real binary, PostgreSQL and sockets. api_cluster.test.mjs runs the
// cluster-wide behaviour on three nodes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from './harness.mjs';

const KEY = 'api-test-key-0123456789abcdef0123456789';

const server = h.useServer({
  args: { 'allowance.chat': 'SELECT true', api_key: KEY, node_name: 'solo' },
});

/// A request to the admin address with the key (unless `key: null`).
function api(method, path, body, { key = KEY, raw } = {}) {
  const headers = key === null ? {} : { authorization: `Bearer ${key}` };
  if (body !== undefined || raw !== undefined) {
    headers['content-type'] = 'application/json';
  }
  return h.request(server.sockd.adminUrl, {
    method, path, headers,
    body: raw !== undefined ? raw
      : body === undefined ? undefined : JSON.stringify(body),
  });
}

function assertError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.error.code, code, res.text);
  assert.equal(typeof res.body.error.message, 'string');
}

test('publish reaches every member with sender "server", in order with clients', async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await h.joined(server.sockd, topic, 'alice', 'bob');
  alice.send({ action: 12, topic, payload: { n: 'client-1' } });
  const res = await api('POST', '/api/publish',
                        { topic, payload: { n: 'server-1' } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { topic, stored: false });
  alice.send({ action: 12, topic, payload: { n: 'client-2' } });
  for (const c of [alice, bob]) {
    const got = await c.nextN(h.isRelay(topic), 3);
    assert.deepEqual(got.map((f) => f.payload.n),
                     ['client-1', 'server-1', 'client-2']);
    const s = got[1];
    assert.equal(s.sender, 'server');
    assert.equal(s.action, 12);
    assert.match(s.timestamp, h.ISO_MS_RE);
  }
});

test('publish carries the given action and answers after the commit with store', async () => {
  const topic = h.uniqueTopic();
  const [alice] = await h.joined(server.sockd, topic, 'alice');
  const res = await api('POST', '/api/publish',
                        { topic, payload: 'hello', store: true,
                          action: 'server-note' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { topic, stored: true });
  // Answered after the commit: the row is there already.
  const rows = await server.pg.psql(
    `SELECT connection_id, message->>'sender', message->>'payload'`
    + ` FROM ${h.SCHEMA}.topic_messages WHERE topic = ${h.sqlString(topic)}`);
  assert.equal(rows, 'server|server|hello');
  const f = await alice.next({ topic, sender: 'server' });
  assert.equal(f.action, 'server-note');
  assert.equal(f.store, true);
  // History replays it like a client's stored message.
  alice.send({ action: 6, topic, payload: { page: 1, pageSize: 10 } });
  const old = await alice.next((x) => x.historical === true);
  assert.equal(old.sender, 'server');
  assert.equal(old.payload, 'hello');
});

test('publish to a topic nobody is in succeeds, and stores with store', async () => {
  const topic = h.uniqueTopic();
  const res = await api('POST', '/api/publish',
                        { topic, payload: { x: 1 }, store: true });
  assert.equal(res.status, 200, res.text);
  const rows = await server.pg.psql(
    `SELECT count(*) FROM ${h.SCHEMA}.topic_messages`
    + ` WHERE topic = ${h.sqlString(topic)}`);
  assert.equal(rows, '1');
  const plain = await api('POST', '/api/publish', { topic, payload: 1 });
  assert.equal(plain.status, 200, plain.text);
});

test('publish refuses bad input with 400', async () => {
  assertError(await api('POST', '/api/publish', undefined, { raw: '{"topic":' }),
              400, 'bad_json');
  assertError(await api('POST', '/api/publish', [1, 2]), 400, 'bad_request');
  assertError(await api('POST', '/api/publish', { payload: 1 }), 400,
              'bad_request');
  assertError(await api('POST', '/api/publish', { topic: 5, payload: 1 }), 400,
              'bad_request');
  assertError(await api('POST', '/api/publish', { topic: 'chat:x' }), 400,
              'bad_request');
  assertError(await api('POST', '/api/publish',
                        { topic: 'chat:x', payload: 1, store: 'yes' }),
              400, 'bad_request');
  assertError(await api('POST', '/api/publish',
                        { topic: 'no-colon', payload: 1 }), 400, 'bad_topic');
  assertError(await api('POST', '/api/publish',
                        { topic: 'chat:', payload: 1 }), 400, 'bad_topic');
  assertError(await api('POST', '/api/publish',
                        { topic: 'chat:x', payload: 1, action: 8 }),
              400, 'bad_action');
  assertError(await api('POST', '/api/publish',
                        { topic: 'chat:x', payload: 1, action: [1] }),
              400, 'bad_action');
  const deep = '['.repeat(100) + ']'.repeat(100);
  assertError(await api('POST', '/api/publish', undefined,
                        { raw: `{"topic":"chat:x","payload":${deep}}` }),
              400, 'bad_json');
});

test('a body over 64 KiB is refused with 413; exactly 64 KiB is read', async () => {
  const limit = 64 * 1024;
  const frame = (n) => {
    const head = '{"topic":"chat:big","payload":"';
    return head + 'x'.repeat(n - head.length - 2) + '"}';
  };
  assertError(await api('POST', '/api/publish', undefined,
                        { raw: frame(limit + 1) }), 413, 'bad_request');
  const res = await api('POST', '/api/publish', undefined,
                        { raw: frame(limit) });
  assert.notEqual(res.status, 413, res.text);
});

test('method, path and key errors', async () => {
  assertError(await api('GET', '/api/publish'), 405, 'method_not_allowed');
  assertError(await api('POST', '/api/info', {}), 405, 'method_not_allowed');
  assertError(await api('GET', '/api/nothing'), 404, 'not_found');
  assertError(await api('GET', '/api/info', undefined, { key: null }), 401,
              'unauthorized');
  assertError(await api('POST', '/api/publish', { topic: 'chat:x', payload: 1 },
                        { key: `${KEY}x` }), 401, 'unauthorized');
});

test('disconnect closes every socket of the user with 4001 and a reason', async () => {
  const topic = h.uniqueTopic();
  const [m1, m2, other] = await h.joined(server.sockd, topic,
                                         'mallory', 'mallory', 'oscar');
  const res = await api('POST', '/api/disconnect',
                        { user: 'mallory', reason: 'banned' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { closed: 2, code: 4001 });
  for (const c of [m1, m2]) {
    assert.deepEqual(await c.closed(), { code: 4001, reason: 'banned' });
  }
  // The others see them leave and keep their socket.
  await other.nextN((f) => f.action === 4 && f.topic === topic, 2);
  assert.equal(other.isOpen, true);
  await other.roundTrip();
  // The default reason; a user with no socket: nothing closed.
  const [m3] = await h.joined(server.sockd, topic, 'mallory');
  const again = await api('POST', '/api/disconnect', { user: 'mallory' });
  assert.deepEqual(again.body, { closed: 1, code: 4001 });
  assert.deepEqual(await m3.closed(),
                   { code: 4001, reason: 'disconnected by the server' });
  const none = await api('POST', '/api/disconnect', { user: 'nobody' });
  assert.deepEqual(none.body, { closed: 0, code: 4001 });
});

test('disconnect refuses bad input', async () => {
  assertError(await api('POST', '/api/disconnect', {}), 400, 'bad_request');
  assertError(await api('POST', '/api/disconnect', { user: '' }), 400,
              'bad_request');
  assertError(await api('POST', '/api/disconnect', { user: 7 }), 400,
              'bad_request');
  assertError(await api('POST', '/api/disconnect',
                        { user: 'a', reason: 'x'.repeat(124) }), 400,
              'bad_request');
  assertError(await api('POST', '/api/disconnect', { user: 'a', reason: 1 }),
              400, 'bad_request');
  assertError(await api('POST', '/api/disconnect', undefined, { raw: 'nope' }),
              400, 'bad_json');
});

test('presence lists the members of a live topic, 404 otherwise', async () => {
  const topic = h.uniqueTopic();
  const [a, b] = await h.joined(server.sockd, topic, 'alice', 'bob');
  const res = await api('GET', `/api/presence?topic=${encodeURIComponent(topic)}`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, {
    topic,
    members: [
      { user: 'alice', connection: a.cid, node: 'solo' },
      { user: 'bob', connection: b.cid, node: 'solo' },
    ],
  });
  assertError(await api('GET', `/api/presence?topic=${encodeURIComponent(
    h.uniqueTopic())}`), 404, 'topic_not_live');
  assertError(await api('GET', '/api/presence'), 400, 'bad_request');
  assertError(await api('GET', '/api/presence?topic=nocolon'), 400, 'bad_topic');
  assertError(await api('POST', '/api/presence?topic=chat:x', {}), 405,
              'method_not_allowed');
});

test('info: version, this node, its connections and topics', async () => {
  const topic = h.uniqueTopic();
  await h.joined(server.sockd, topic, 'alice', 'bob');
  const res = await api('GET', '/api/info');
  assert.equal(res.status, 200, res.text);
  assert.match(res.body.version, /^\d+\.\d+\.\d+$/);
  assert.equal(res.body.node, 'solo');
  assert.equal(res.body.nodes.length, 1);
  const [n] = res.body.nodes;
  assert.equal(n.name, 'solo');
  assert.equal(n.live, true);
  // Earlier tests' clients are closed after each test; their slots go as
  // their sockets finish closing.
  await h.eventually(async () => {
    const x = (await api('GET', '/api/info')).body;
    assert.equal(x.nodes[0].connections, 2, JSON.stringify(x));
    assert.equal(x.connections, 2);
    assert.ok(x.nodes[0].topics >= 1);
    return true;
  });
});
