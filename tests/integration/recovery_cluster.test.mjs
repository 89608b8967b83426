// Recovery after reconnect in a cluster (docs/protocol.md, "Recovery after
// reconnect"; docs/cluster.md): three real sockd nodes on loopback sharing
// one PostgreSQL. A client on a node that does not own the topic drops
// (RST), misses 50 relays (stored and not), reconnects with a new ticket on
// another node and gets exactly those 50, in order, then recovered:true.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from './harness.mjs';
import * as positions from './positions.mjs';
import * as placement from './placement.mjs';

const { subscribeWith } = positions;
// Every stored relay's ACK too: the kill -9 test counts on the rows.
const publish = (c, topic, first, n) =>
  positions.publish(c, topic, first, n, { acks: true });

const T = { timeout: 60000 };
const NAMES = ['node1', 'node2', 'node3'];

// node2 and node3 seed node1; plain BASP on loopback.
const cluster = h.useCluster({
  names: NAMES,
  seeds: (address) => ({ node1: '', node2: address('node1'),
                         node3: address('node1') }),
  args: () => ({ 'allowance.chat': 'SELECT true',
                 messages_per_second: 100000, messages_burst: 100000 }),
});
const nodes = cluster.nodes;

const topicOwnedBy = (owner) => placement.topicOwnedBy(owner, NAMES);

test('a client of a non-owner node recovers the 50 relays it missed', T,
     async () => {
  const topic = topicOwnedBy('node1');
  const bob = await h.connect(nodes.node1, 'bob');
  await bob.subscribe(topic);
  const alice = await h.connect(nodes.node2, 'alice');
  const [ack] = await subscribeWith(alice, topic, { recover: true });
  assert.deepEqual(Object.keys(ack).sort(),
                   ['action', 'epoch', 'offset', 'topic']);
  const epoch = ack.epoch;
  const plain = await publish(bob, topic, 1, 3);
  const seen = await alice.nextN((f) => f && f.topic === topic
    && f.action === 12, 3);
  assert.deepEqual(seen.map((f) => [f.offset, f.epoch]),
                   [[1, epoch], [2, epoch], [3, epoch]]);
  for (let i = 0; i < 3; ++i) {
    const { offset: _o, epoch: _e, ...rest } = seen[i];
    assert.deepEqual(rest, plain[i]);
    assert.equal(plain[i].offset, undefined); // bob asked for nothing
  }

  alice.terminate(); // RST: no close handshake
  await bob.next((f) => f && f.action === 4 && f.topic === topic, 10000);
  await publish(bob, topic, 4, 50);

  const again = await h.connect(nodes.node3, 'alice');
  const got = await subscribeWith(again, topic,
                                  { since: { epoch, offset: 3 } });
  const relays = got.slice(0, -1);
  assert.equal(relays.length, 50, JSON.stringify(got.slice(-3)));
  assert.deepEqual(relays.map((f) => f.payload.m),
                   Array.from({ length: 50 }, (_, i) => 4 + i));
  assert.deepEqual(relays.map((f) => f.offset),
                   Array.from({ length: 50 }, (_, i) => 4 + i));
  assert.ok(relays.every((f) => f.epoch === epoch && f.action === 12));
  assert.deepEqual(got.at(-1), { action: 8, topic, recovered: true, epoch,
                                 offset: 53 });
  // Live frames follow from the next offset, nothing repeated.
  await publish(bob, topic, 54, 1);
  const live = await again.next((f) => f && f.topic === topic);
  assert.equal(live.offset, 54);
  await again.roundTrip();
  assert.deepEqual(again.queued((f) => f && f.topic === topic), []);
});

// Last: node1 stays dead. Two topics node1 owns; alice (node2) drops from
// both, misses stored relays only on `stored` and one unstored relay among
// stored ones on `mixed`, then node1 dies (kill -9) and alice comes back.
test('kill -9 of the owner: recovered when every missed relay was stored',
     T, async () => {
  const stored = topicOwnedBy('node1');
  const mixed = topicOwnedBy('node1');
  const bob = await h.connect(nodes.node3, 'bob');
  await bob.subscribe(stored);
  await bob.subscribe(mixed);
  const alice = await h.connect(nodes.node2, 'alice');
  const epochs = {};
  for (const topic of [stored, mixed]) {
    const [ack] = await subscribeWith(alice, topic, { recover: true });
    epochs[topic] = ack.epoch;
    await publish(bob, topic, 2, 1); // one stored relay, offset 1
    await alice.next((f) => f && f.topic === topic && f.offset === 1);
  }
  alice.terminate();
  for (const topic of [stored, mixed]) {
    await bob.next((f) => f && f.action === 4 && f.topic === topic, 10000);
  }
  // stored: offsets 2..11, every one stored; mixed: 2..4, the 3rd not.
  for (let m = 4; m < 24; m += 2) await publish(bob, stored, m, 1);
  await publish(bob, mixed, 4, 3); // m 4 (stored), 5 (not), 6 (stored)
  const S = h.SCHEMA;
  const rows = await cluster.pg.psql(`SELECT count(*) FROM
    ${S}.topic_messages WHERE topic = '${stored}'
    AND pos_epoch = '${epochs[stored]}' AND pos_offset BETWEEN 1 AND 11`);
  assert.equal(Number(rows.trim()), 11);

  await nodes.node1.kill();
  await Promise.all(['node2', 'node3'].map((name) =>
    nodes[name].waitForLog(h.liveLine(['node2', 'node3']), 10000)));
  // Until bob's relay has re-joined the new owner (reporting where the old
  // epoch ended), a publish may be refused: retry until one is echoed.
  const probes = {};
  for (const topic of [stored, mixed]) {
    let n = 0;
    await h.eventually(async () => {
      const id = `p${++n}`;
      bob.send({ action: 12, topic, payload: { probe: n }, id });
      const f = await bob.next((x) => x && x.topic === topic
        && ((x.action === 'ACK' && x.payload.id === id)
            || (x.action === 'ERROR' && x.payload.id === id)), 5000)
        .catch(() => null);
      return f !== null && f.action === 'ACK';
    }, { timeout: 15000, interval: 100, what: `bob publishes on ${topic}` });
    probes[topic] = n;
  }

  const again = await h.connect(nodes.node2, 'alice');
  const got = await subscribeWith(again, stored,
                                  { since: { epoch: epochs[stored],
                                             offset: 1 } });
  const ack = got.at(-1);
  assert.equal(ack.recovered, true, JSON.stringify(got.slice(-3)));
  assert.notEqual(ack.epoch, epochs[stored]);
  const old = got.filter((f) => f.epoch === epochs[stored]);
  assert.deepEqual(old.map((f) => f.payload.m),
                   Array.from({ length: 10 }, (_, i) => 4 + 2 * i));
  assert.deepEqual(old.map((f) => f.offset),
                   Array.from({ length: 10 }, (_, i) => 2 + i));
  assert.ok(old.every((f) => f.action === 12 && f.store === true
                      && f.sender !== undefined && !f.historical));
  // Then the new owner's own relays (bob's accepted probe), then the ack.
  const fresh = got.slice(old.length, -1);
  assert.ok(fresh.length >= 1);
  assert.ok(fresh.every((f) => f.epoch === ack.epoch));
  assert.deepEqual(fresh.map((f) => f.offset),
                   Array.from({ length: fresh.length }, (_, i) => i + 1));
  assert.equal(fresh.at(-1).payload.probe, probes[stored]);
  assert.equal(ack.offset, fresh.length);

  const lost = await subscribeWith(again, mixed,
                                   { since: { epoch: epochs[mixed],
                                              offset: 1 } });
  assert.equal(lost.length, 1);
  assert.equal(lost[0].recovered, false);
  assert.notEqual(lost[0].epoch, epochs[mixed]);
});
