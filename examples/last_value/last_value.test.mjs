// The from-scratch topic type (examples/last_value) over real sockets: three
// sockd_last_value processes in a cluster on loopback (plain BASP, which
// sockd allows there) against one PostgreSQL. Clients on different nodes
// exchange messages through `last/` topics. Every client talks to the
// topic's owner through its own node's relay; with clients on all three
// nodes, at least two of them reach the owner over the network.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from '../../tests/integration/harness.mjs';

const T = { timeout: 60000 };
const NAMES = ['node1', 'node2', 'node3'];
const MESSAGES = 100;

// node3 seeds both others.
const cluster = h.useCluster({
  names: NAMES,
  seeds: (address) => ({ node1: '', node2: address('node1'),
                         node3: `${address('node1')},${address('node2')}` }),
});
const nodes = cluster.nodes; // name -> sockd

/// A fresh `last/` topic that `subs` may join (topic_allowances: the type
/// asks the database through its ctx.db like any topic).
async function allowedTopic(...subs) {
  const topic = h.uniqueTopic('last/prices');
  await h.allow(cluster.pg, subs.map((sub) => [sub, topic]));
  return topic;
}

/// One client per node plus a second on node2, all in `topic`.
async function everywhere(topic, prefix) {
  const clients = [];
  for (const [name, who] of [['node1', 'a'], ['node2', 'b'], ['node2', 'c'],
                             ['node3', 'd']]) {
    const c = await h.connect(nodes[name], `${prefix}-${who}`);
    await c.subscribe(topic);
    clients.push(c);
  }
  return clients;
}

test('messages from two nodes reach every client on every node once, in one order',
     T, async () => {
  const subs = ['x-a', 'x-b', 'x-c', 'x-d'];
  const topic = await allowedTopic(...subs);
  const clients = await everywhere(topic, 'x');
  const [a, , , d] = clients; // on node1 and node3
  for (let i = 0; i < MESSAGES / 2; ++i) {
    a.send({ action: 12, topic, payload: { i, from: 'node1' } });
    d.send({ action: 12, topic, payload: { i, from: 'node3' } });
  }
  const received = await Promise.all(
    clients.map((c) => c.nextN(h.isRelay(topic), MESSAGES, 30000)));
  const order = (frames) => frames.map((f) => `${f.payload.from}/${f.payload.i}`);
  const first = order(received[0]);
  for (const [k, frames] of received.entries()) {
    assert.deepEqual(order(frames), first, `client ${k} saw another order`);
  }
  for (const from of ['node1', 'node3']) {
    const mine = received[0].filter((f) => f.payload.from === from)
      .map((f) => f.payload.i);
    assert.deepEqual(mine, [...Array(MESSAGES / 2).keys()]);
  }
  // Exactly once: after one more message, which each client sees next,
  // nothing else of the topic is waiting.
  a.send({ action: 12, topic, payload: { last: true }, id: 'end' });
  await a.next(h.isAck('end'));
  for (const c of clients) {
    const f = await c.next(h.isRelay(topic));
    assert.deepEqual(f.payload, { last: true });
    await c.roundTrip();
    assert.deepEqual(c.queued(h.isRelay(topic)), []);
  }
});

test('a late joiner on another node gets its ack, then the last value', T,
     async () => {
  const topic = await allowedTopic('l-a', 'l-late');
  const a = await h.connect(nodes.node1, 'l-a');
  await a.subscribe(topic);
  a.send({ action: 'price', topic, payload: { eur: 3 }, id: 'p1' });
  await a.next(h.isAck('p1'));
  const late = await h.connect(nodes.node3, 'l-late');
  await late.subscribe(topic);
  const last = await late.next((f) => f && f.topic === topic
                                      && f.action === 'price');
  assert.deepEqual(last.payload, { eur: 3 });
  assert.equal(last.sender, a.cid);
});

test('leaving on one node is seen on the others', T, async () => {
  const subs = ['q-a', 'q-b', 'q-c', 'q-d'];
  const topic = await allowedTopic(...subs);
  const [a, b, c, d] = await everywhere(topic, 'q');
  d.send({ action: 9, topic, id: 'bye' });
  await d.next(h.isAck('bye'));
  for (const x of [a, b, c]) {
    const f = await x.next((f) => f && f.topic === topic && f.action === 4);
    assert.equal(f.payload, `q-d:${d.cid}`);
  }
  b.send({ action: 12, topic, payload: { after: 'leave' }, id: 'm' });
  await b.next(h.isAck('m'));
  for (const x of [a, b, c]) await x.next(h.isRelay(topic));
  await d.roundTrip();
  assert.deepEqual(d.queued(h.isRelay(topic)), []);
});

test('the type refuses what it does not do, on any node', T, async () => {
  const topic = await allowedTopic('r-a');
  const a = await h.connect(nodes.node2, 'r-a');
  await a.subscribe(topic);
  a.send({ action: 12, topic, payload: {}, store: true, id: 's' });
  const err = await a.next(h.isError('bad_frame', { id: 's' }));
  assert.match(err.payload.message, /stores nothing/);
  // Its allowance comes from the database: nobody else may join.
  const stranger = await h.connect(nodes.node3, 'r-stranger');
  stranger.send({ action: 8, topic, id: 'j' });
  await stranger.next(h.isError('forbidden', { id: 'j' }));
});

test('a revoked client is cut off from a from-scratch topic (node2)', T,
     async () => {
  // Revocation needs nothing of the type but the leave it speaks anyway
  // (docs/security.md, "Revocation").
  const topic = await allowedTopic('r-a', 'r-b', 'r-d');
  const a = await h.connect(nodes.node1, 'r-a');
  const b = await h.connect(nodes.node2, 'r-b');
  const d = await h.connect(nodes.node3, 'r-d');
  for (const c of [a, b, d]) await c.subscribe(topic);
  await cluster.pg.psql(`DELETE FROM ${h.SCHEMA}.topic_allowances`
                        + ` WHERE user_sub = 'r-b'`);
  const err = await b.next((f) => f && f.action === 'ERROR'
    && f.topic === topic && f.payload.code === 'forbidden', 1000);
  assert.equal(err.payload.request, 8);
  for (const c of [a, d]) {
    await c.next((f) => f && f.action === 4 && f.topic === topic
      && f.payload === `r-b:${b.cid}`);
  }
  a.send({ action: 12, topic, payload: { after: true }, id: 'after' });
  await a.next(h.isAck('after'));
  await d.next((f) => h.isRelay(topic)(f) && f.payload.after === true);
  await b.roundTrip();
  assert.deepEqual(b.queued((f) => f && f.topic === topic), []);
});
