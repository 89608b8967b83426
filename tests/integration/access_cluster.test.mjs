// Access revoked while connected, across three real nodes sharing one
// PostgreSQL (docs/security.md, "Revocation"): every node's allowance
// listener gets the NOTIFY of the DELETE, and the node holding the revoked
// connection re-checks its members of the topic, owned by another node.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from './harness.mjs';
import { topicOwnedBy } from './placement.mjs';

const T = { timeout: 60000 };
const NAMES = ['node1', 'node2', 'node3'];
const S = h.SCHEMA;

const cluster = h.useCluster({
  names: NAMES,
  seeds: (address) => ({ node1: '', node2: address('node1'),
                         node3: address('node1') }),
});
const nodes = cluster.nodes;

const forbidden = (topic) => {
  const fn = (f) => f && f.action === 'ERROR' && f.topic === topic
    && f.payload && f.payload.code === 'forbidden';
  fn.label = `ERROR forbidden on ${topic}`;
  return fn;
};

const leftNotice = (topic, c) => {
  const fn = (f) => f && f.topic === topic && f.action === 4
    && f.payload === `${c.sub}:${c.cid}`;
  fn.label = `action 4 for ${c.sub}:${c.cid}`;
  return fn;
};

test('a revoked user on node2 is cut off from a topic of node1 within 1 s', T,
     async () => {
  const topic = topicOwnedBy('node1', NAMES);
  await h.allow(cluster.pg, [['rex', topic], ['ann', topic], ['ben', topic],
                             ['cy', topic]]);
  const ann = await h.connect(nodes.node1, 'ann');
  const rex = await h.connect(nodes.node2, 'rex');
  const ben = await h.connect(nodes.node2, 'ben'); // same node, still allowed
  const cy = await h.connect(nodes.node3, 'cy');
  for (const c of [ann, rex, ben, cy]) await c.subscribe(topic);
  // Everyone is in: a relay from node3 reaches all four.
  cy.send({ action: 12, topic, payload: { i: 0 }, id: 'm0' });
  await cy.next(h.isAck('m0'));
  for (const c of [ann, rex, ben, cy]) await c.next(h.isRelay(topic));

  const t0 = Date.now(); // before the COMMIT: an upper bound
  await cluster.pg.psql(`DELETE FROM ${S}.topic_allowances`
                        + ` WHERE user_sub = 'rex'`);
  const err = await rex.next(forbidden(topic), 1000);
  const latency = Date.now() - t0;
  assert.equal(err.payload.request, 8);
  assert.ok(latency < 1000, `revoked after ${latency} ms`);
  console.log(`# revocation latency (3 nodes, member on node2, owner node1):`
              + ` ${latency} ms`);
  for (const c of [ann, ben, cy]) await c.next(leftNotice(topic, rex));

  // The others keep the topic; rex gets nothing of it any more.
  ann.send({ action: 12, topic, payload: { i: 1 }, id: 'm1' });
  await ann.next(h.isAck('m1'));
  for (const c of [ann, ben, cy]) {
    const f = await c.next(h.isRelay(topic));
    assert.equal(f.payload.i, 1);
  }
  await rex.roundTrip();
  assert.deepEqual(rex.queued((f) => f && f.topic === topic), []);
  for (const c of [ann, ben, cy]) {
    assert.deepEqual(c.queued((f) => f && f.action === 'ERROR'), []);
  }
  // rex's connection forgot the membership; a SUBSCRIBE asks again.
  rex.send({ action: 12, topic, payload: {}, id: 'x' });
  await rex.next(h.isError('not_subscribed', { topic, id: 'x' }));
  rex.send({ action: 8, topic });
  await rex.next(forbidden(topic));
});
