// Three real sockd processes on loopback sharing one PostgreSQL
// (docs/cluster.md), talking mutual TLS (certificates of a throwaway CA made
// with the openssl command line): one order for every subscriber whichever
// node it is on, tickets redeemable on any node, a kill -9 that the others
// survive without their clients re-subscribing, and a broadcast that costs
// at most one cross-node message per node.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import * as certs from './cluster_certs.mjs';
import * as h from './harness.mjs';
import * as placement from './placement.mjs';

const T = { timeout: 60000 };
const NAMES = ['node1', 'node2', 'node3'];
const MESSAGES = 500;

let certDir;
let ca;

// A fresh chat topic that `owner` owns among `names` (rendezvous hashing
// as cluster/placement.cpp computes it: placement.mjs).
const topicOwnedBy = (owner, names = NAMES) =>
  placement.topicOwnedBy(owner, names);
const { weight } = placement;

// -- the cluster --------------------------------------------------------------

after(() => {
  if (certDir) certDir.cleanup();
});

// node2 seeds node1; node3 has no seeds and finds both in the node table
// (as node1 would find the others if they had not called first). Each node
// proves its name with a certificate of a throwaway CA.
const cluster = h.useCluster({
  names: NAMES,
  seeds: (address) => ({ node1: '', node2: address('node1'), node3: '' }),
  beforeStart: () => {
    certDir = certs.certDir();
    ca = certs.makeCa(certDir.dir, 'cluster-ca');
  },
  args: (name) => ({
    'allowance.chat': 'SELECT true',
    ...certs.tlsArgs(certs.makeNodeCert(certDir.dir, ca, name), ca),
  }),
  afterStart: (nodes) => {
    for (const name of NAMES) {
      assert.match(nodes[name].log(),
                   /INFO cluster: mutual TLS on 127\.0\.0\.1:/);
    }
  },
});
const nodes = cluster.nodes; // name -> sockd

/// The leave notice (action 4) of client `c` on `topic`.
const leftNotice = (topic, c) => {
  const fn = (f) => f && f.topic === topic && f.action === 4
    && f.payload === `${c.sub}:${c.cid}`;
  fn.label = `action 4 for ${c.sub}:${c.cid}`;
  return fn;
};

// -- tests ------------------------------------------------------------------

test('placement agrees with the C++ implementation', () => {
  // The same constants as tests/unit/cluster/placement.cpp.
  assert.equal(weight('', ''), 0x25fc6dd36ce04b20n);
  assert.equal(weight('chat:lobby', 'node1'), 0x882c40ffbde6b990n);
});

test('500 messages from two nodes reach every subscriber in one order', T,
     async () => {
  const topic = topicOwnedBy('node2');
  const subs = [];
  for (const name of NAMES) {
    for (const who of ['a', 'b']) {
      const c = await h.connect(nodes[name], `${who}-${name}`);
      await c.subscribe(topic);
      subs.push(c);
    }
  }
  const [pub1, , , , pub3] = subs; // a-node1 and a-node3
  for (let i = 0; i < MESSAGES / 2; ++i) {
    pub1.send({ action: 12, topic, payload: { i, from: 'node1' } });
    pub3.send({ action: 12, topic, payload: { i, from: 'node3' } });
  }
  const received = await Promise.all(
    subs.map((c) => c.nextN(h.isRelay(topic), MESSAGES, 30000)));
  const order = (frames) =>
    frames.map((f) => `${f.payload.from}/${f.payload.i}`);
  const first = order(received[0]);
  for (const [k, frames] of received.entries()) {
    assert.deepEqual(order(frames), first, `subscriber ${k} saw another order`);
  }
  // Each publisher's own messages stay in its order.
  for (const from of ['node1', 'node3']) {
    const mine = received[0].filter((f) => f.payload.from === from)
      .map((f) => f.payload.i);
    assert.deepEqual(mine, [...mine].sort((x, y) => x - y));
    assert.equal(mine.length, MESSAGES / 2);
  }
  // The owner (node2) sent each broadcast to at most the two other nodes.
  const FANOUT = new RegExp('cluster fanout: broadcasts=(\\d+)'
    + ' cross_node_messages=(\\d+) max_per_broadcast=(\\d+)', 'g');
  const stats = await h.eventually(() => {
    const m = [...nodes.node2.log().matchAll(FANOUT)].pop();
    return m && Number(m[1]) >= MESSAGES ? m : null;
  }, { timeout: 5000, what: 'a fanout line on node2 with every broadcast' });
  const [broadcasts, crossNode, maxPerBroadcast] = stats.slice(1).map(Number);
  assert.ok(maxPerBroadcast <= NAMES.length,
            `max ${maxPerBroadcast} cross-node messages for one broadcast`);
  assert.ok(crossNode <= broadcasts * (NAMES.length - 1),
            `${crossNode} cross-node messages for ${broadcasts} broadcasts`);
});

test('a ticket from node1 opens a socket on node3, once', T, async () => {
  const res = await h.getTicket(nodes.node1, h.userToken('tess'));
  assert.equal(res.status, 200);
  const c = await h.openSocket(nodes.node3, res.body.ticket);
  const topic = topicOwnedBy('node1');
  c.sub = 'tess';
  await c.subscribe(topic);
  const again = await h.refused(h.openSocket(nodes.node2, res.body.ticket));
  assert.equal(again.status, 401);
});

test('kill -9 of node2: the others keep their subscriptions', T, async () => {
  const moving = topicOwnedBy('node2'); // its owner dies
  const staying = topicOwnedBy('node1');
  const clients = {};
  for (const name of NAMES) {
    const c = await h.connect(nodes[name], `k-${name}`);
    await c.subscribe(moving);
    await c.subscribe(staying);
    clients[name] = c;
  }
  const doomed = clients.node2;
  const survivors = [clients.node1, clients.node3];
  await nodes.node2.kill();
  // Both survivors agree on the membership, fast.
  await Promise.all(['node1', 'node3'].map((name) =>
    nodes[name].waitForLog(h.liveLine(['node1', 'node3']), 10000)));
  // Everyone left is told that node2's connection is gone, on both topics.
  for (const c of survivors) {
    await c.next(leftNotice(moving, doomed), 10000);
    await c.next(leftNotice(staying, doomed), 10000);
  }
  // No re-subscribe: relays on the surviving nodes found the new owner.
  // Until every relay has re-joined it, the new owner's broadcasts reach
  // only the relays already there (docs/cluster.md, failover): probe until
  // both survivors hear it, then the topic is whole again.
  let probes = 0;
  const numbered = (topic) => {
    const relay = h.isRelay(topic);
    const fn = (f) => relay(f) && f.payload.i !== undefined;
    fn.label = `numbered relay on ${topic}`;
    return fn;
  };
  for (const topic of [moving, staying]) {
    const send = async (from, payload, id) => {
      from.send({ action: 12, topic, payload, id });
      await from.next(h.isAck(id), 10000);
    };
    await h.eventually(async () => {
      const p = `p${++probes}`;
      await send(clients.node1, { p }, p);
      const relay = h.isRelay(topic);
      const heard = (c) => c.next((f) => relay(f) && f.payload.p === p, 500)
        .then(() => true, () => false);
      return (await Promise.all(survivors.map(heard))).every(Boolean);
    }, { timeout: 10000, interval: 50, what: `both survivors on ${topic}` });
    await send(clients.node3, { i: 1 }, 'm-1');
    await send(clients.node1, { i: 2 }, 'm-2');
    for (const c of survivors) {
      const got = await c.nextN(numbered(topic), 2, 10000);
      assert.deepEqual(got.map((f) => f.payload.i), [1, 2]);
    }
  }
  // node2's user reconnects elsewhere with a fresh ticket.
  const back = await h.connect(nodes.node1, 'k-node2');
  await back.subscribe(moving);
  clients.node3.send({ action: 12, topic: moving, payload: { i: 3 } });
  const got = await back.next(numbered(moving), 10000);
  assert.equal(got.payload.i, 3);
  // Presence sees the members of both surviving nodes.
  back.send({ action: 10, topic: moving });
  const presence = await back.next(
    (f) => f && f.action === 10 && f.topic === moving, 10000);
  for (const sub of ['k-node1', 'k-node3', 'k-node2']) {
    assert.equal(presence.payload[sub]?.online, true, `${sub} online`);
  }
});

test('SIGTERM: a node leaves cleanly and at once', T, async () => {
  // node3 owns a topic with a member on node1 when it stops.
  const topic = topicOwnedBy('node3', ['node1', 'node3']);
  const c = await h.connect(nodes.node1, 'leaver-friend');
  await c.subscribe(topic);
  const code = await nodes.node3.stop('SIGTERM');
  assert.equal(code, 0, nodes.node3.log());
  await nodes.node1.waitForLog(h.liveLine(['node1']), 10000);
  // The topic moved to node1; the member did not subscribe again.
  c.send({ action: 12, topic, payload: { after: 'leave' }, id: 'after' });
  await c.next(h.isAck('after'), 10000);
  const got = await c.next(h.isRelay(topic), 10000);
  assert.equal(got.payload.after, 'leave');
  const rows = await cluster.pg.psql(
    `SELECT name FROM ${h.SCHEMA}.sockd_nodes ORDER BY name`);
  assert.ok(!rows.split('\n').includes('node3'), `rows: ${rows}`);
});
