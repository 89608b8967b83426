// The backend API across three real sockd nodes on loopback sharing one
// PostgreSQL (docs/api.md, docs/cluster.md): a publication through one
// node's API reaches the members on every node in the topic's one order,
// disconnect closes a user's sockets on every node, presence and info
// cover every node.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from './harness.mjs';
import * as placement from './placement.mjs';

const T = { timeout: 60000 };
const NAMES = ['node1', 'node2', 'node3'];
const KEY = 'api-cluster-key-0123456789abcdef01234567';
const ROUNDS = 20;

// node2 and node3 seed node1; plain BASP on loopback.
const cluster = h.useCluster({
  names: NAMES,
  seeds: (address) => ({ node1: '', node2: address('node1'),
                         node3: address('node1') }),
  args: () => ({ 'allowance.chat': 'SELECT true', api_key: KEY }),
});
const nodes = cluster.nodes;

function api(node, method, path, body) {
  return h.request(nodes[node].adminUrl, {
    method, path,
    headers: { authorization: `Bearer ${KEY}`,
               'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/// One client of `sub` per node, each subscribed to `topic`.
async function onEveryNode(topic, sub) {
  const clients = {};
  for (const name of NAMES) {
    clients[name] = await h.connect(nodes[name], sub);
    await clients[name].subscribe(topic);
  }
  return clients;
}

// A fresh topic `owner` owns (rendezvous hashing: placement.mjs).
const topicOwnedBy = (owner) => placement.topicOwnedBy(owner, NAMES);

test('publish through node 3 reaches every node in one order with client relays',
     T, async () => {
  const topic = topicOwnedBy('node1');
  const clients = await onEveryNode(topic, 'member');
  const sender = clients.node2;
  const answers = [];
  for (let i = 0; i < ROUNDS; ++i) {
    sender.send({ action: 12, topic, payload: { n: `c${i}` } });
    answers.push(api('node3', 'POST', '/api/publish',
                     { topic, payload: { n: `s${i}` } }));
    // Every other round waits for the answer, so the API and the client
    // really interleave rather than one burst after the other.
    if (i % 2 === 1) {
      const res = await answers[answers.length - 1];
      assert.equal(res.status, 200, res.text);
    }
  }
  for (const res of await Promise.all(answers)) {
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { topic, stored: false });
  }
  const orders = {};
  for (const name of NAMES) {
    const got = await clients[name].nextN(h.isRelay(topic), 2 * ROUNDS);
    orders[name] = got.map((f) => f.payload.n);
    for (const f of got) {
      assert.equal(f.sender, f.payload.n.startsWith('s') ? 'server'
                                                         : sender.cid);
    }
  }
  assert.deepEqual(orders.node2, orders.node1);
  assert.deepEqual(orders.node3, orders.node1);
  const servers = orders.node1.filter((n) => n.startsWith('s'));
  const relays = orders.node1.filter((n) => n.startsWith('c'));
  assert.deepEqual(servers, Array.from({ length: ROUNDS }, (_, i) => `s${i}`));
  assert.deepEqual(relays, Array.from({ length: ROUNDS }, (_, i) => `c${i}`));
});

test('a stored publish through node 2 is committed before the answer', T,
     async () => {
  const topic = topicOwnedBy('node3');
  const clients = await onEveryNode(topic, 'reader');
  const res = await api('node2', 'POST', '/api/publish',
                        { topic, payload: 'kept', store: true });
  assert.equal(res.status, 200, res.text);
  const rows = await cluster.pg.psql(
    `SELECT connection_id FROM ${h.SCHEMA}.topic_messages`
    + ` WHERE topic = ${h.sqlString(topic)}`);
  assert.equal(rows, 'server');
  for (const name of NAMES) {
    const f = await clients[name].next({ topic, sender: 'server' });
    assert.equal(f.payload, 'kept');
  }
});

test('disconnect through node 3 closes the user on every node, nobody else',
     T, async () => {
  const topic = topicOwnedBy('node2');
  const victims = await onEveryNode(topic, 'mallory');
  const others = await onEveryNode(topic, 'oscar');
  const res = await api('node3', 'POST', '/api/disconnect',
                        { user: 'mallory', reason: 'cluster ban' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { closed: 3, code: 4001 });
  for (const name of NAMES) {
    assert.deepEqual(await victims[name].closed(),
                     { code: 4001, reason: 'cluster ban' });
  }
  for (const name of NAMES) {
    // Each survivor sees the three leave, and keeps its socket.
    await others[name].nextN((f) => f.action === 4 && f.topic === topic
                             && f.payload.startsWith('mallory:'), 3);
    assert.equal(others[name].isOpen, true);
    await others[name].roundTrip();
  }
});

test('presence through any node lists the members of every node', T,
     async () => {
  const topic = topicOwnedBy('node1');
  const clients = await onEveryNode(topic, 'present');
  const expected = NAMES.map((name) => ({
    user: 'present', connection: clients[name].cid, node: name,
  })).sort((a, b) => a.connection.localeCompare(b.connection));
  for (const via of NAMES) {
    const res = await api(via, 'GET',
                          `/api/presence?topic=${encodeURIComponent(topic)}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.topic, topic);
    const got = [...res.body.members]
      .sort((a, b) => a.connection.localeCompare(b.connection));
    assert.deepEqual(got, expected);
  }
  const dead = topicOwnedBy('node2');
  const none = await api('node3', 'GET',
                         `/api/presence?topic=${encodeURIComponent(dead)}`);
  assert.equal(none.status, 404, none.text);
  assert.equal(none.body.error.code, 'topic_not_live');
});

test('info lists every node with its connections and topics', T, async () => {
  const topic = topicOwnedBy('node3');
  await onEveryNode(topic, 'counted');
  await h.eventually(async () => {
    const res = await api('node1', 'GET', '/api/info');
    assert.equal(res.status, 200, res.text);
    const x = res.body;
    assert.equal(x.node, 'node1');
    assert.match(x.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(x.nodes.map((n) => [n.name, n.live, n.connections]),
                     NAMES.map((n) => [n, true, 1]), JSON.stringify(x));
    assert.equal(x.connections, 3);
    // The topic is owned by node3 alone.
    assert.equal(x.nodes[2].topics, 1, JSON.stringify(x));
    assert.equal(x.topics, 1, JSON.stringify(x));
    return true;
  });
});
