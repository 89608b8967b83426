// Access revoked while connected, across three real nodes sharing one
// PostgreSQL (docs/security.md, "Revocation"): every node's allowance
// listener gets the NOTIFY of the DELETE, and the node holding the revoked
// connection re-checks its members of the topic, owned by another node.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as h from './harness.mjs';
import { topicOwnedBy } from './placement.mjs';

const T = { timeout: 60000 };
const NAMES = ['node1', 'node2', 'node3'];
const S = h.SCHEMA;

const API_KEY = 'access-cluster-api-key-0123456789abcdef';

const cluster = h.useCluster({
  names: NAMES,
  seeds: (address) => ({ node1: '', node2: address('node1'),
                         node3: address('node1') }),
  // No allowance_recheck_interval: only a NOTIFY re-checks here.
  args: () => ({
    api_key: API_KEY,
    // Counts its runs: the allowance cache makes a repeated SUBSCRIBE skip
    // it (here, with no periodic re-check, only SUBSCRIBEs run it).
    'allowance.cnt': `SELECT nextval('${S}.allow_calls') > 0`,
    'allowance.room': `SELECT EXISTS (SELECT 1 FROM ${S}.room_members`
      + ' WHERE user_id = $1 AND room = $2)',
  }),
  beforeStart: () => cluster.pg.psql(`
    CREATE SCHEMA IF NOT EXISTS ${S};
    CREATE TABLE ${S}.room_members (user_id text, room text);
    CREATE SEQUENCE ${S}.allow_calls;`),
});
const nodes = cluster.nodes;

const forbidden = (topic) => h.isError('forbidden', { topic });
const leftNotice = h.isLeft;

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

/// POST `path` with `body` (JSON) on `node`'s admin address.
const api = (node, path, body) => h.request(node.adminUrl, {
  method: 'POST', path, body: JSON.stringify(body),
  headers: { Authorization: `Bearer ${API_KEY}`,
             'Content-Type': 'application/json' },
});

test('POST /api/recheck on node3 re-checks the members of node2', T,
     async () => {
  const room = crypto.randomUUID();
  const topic = `room:${room}`;
  await cluster.pg.psql(`INSERT INTO ${S}.room_members VALUES`
                        + ` ('ida', '${room}'), ('jo', '${room}')`);
  const ida = await h.connect(nodes.node2, 'ida');
  const jo = await h.connect(nodes.node1, 'jo');
  await ida.subscribe(topic);
  await jo.subscribe(topic);
  // The app's table changes: no trigger there, nothing happens by itself.
  await cluster.pg.psql(`DELETE FROM ${S}.room_members WHERE user_id = 'ida'`);
  const res = await api(nodes.node3, '/api/recheck', { topic });
  assert.equal(res.status, 202, res.text);
  assert.deepEqual(res.body, { user: null, topic,
                               recheck: 'queued on every node' });
  await ida.next(forbidden(topic), 1000);
  await jo.next(leftNotice(topic, ida));
  assert.deepEqual(jo.queued((f) => f && f.action === 'ERROR'), []);
});

test('POST /api/unsubscribe on node1 takes a user of node3 off a topic', T,
     async () => {
  const topic = topicOwnedBy('node2', NAMES);
  await h.allow(cluster.pg, [['kim', topic], ['lou', topic]]);
  const kim = await h.connect(nodes.node3, 'kim');
  const lou = await h.connect(nodes.node1, 'lou');
  await kim.subscribe(topic);
  await lou.subscribe(topic);
  const res = await api(nodes.node1, '/api/unsubscribe', { user: 'kim', topic });
  assert.equal(res.status, 202, res.text);
  assert.deepEqual(res.body, { user: 'kim', topic, removed: 0,
                               other_nodes: 'notified' });
  await kim.next((f) => f && f.action === 9 && f.topic === topic);
  await lou.next(leftNotice(topic, kim));
  await kim.roundTrip();
  assert.deepEqual(kim.queued((f) => f && f.topic === topic), []);
});

test('a repeated SUBSCRIBE skips the query until a notification', T,
     async () => {
  const calls = async () => Number(await cluster.pg.psql(
    `SELECT CASE WHEN is_called THEN last_value ELSE 0 END`
    + ` FROM ${S}.allow_calls`));
  const topic = h.uniqueTopic('cnt');
  const mo = await h.connect(nodes.node1, 'mo');
  const before = await calls();
  await mo.subscribe(topic);
  assert.equal(await calls(), before + 1);
  for (let i = 0; i < 3; ++i) {
    mo.send({ action: 9, topic });
    await mo.next((f) => f && f.action === 9 && f.topic === topic);
    await mo.subscribe(topic);
  }
  assert.equal(await calls(), before + 1, 'the repeats asked the database');
  // A change of topic_allowances (here: one that revokes ned) clears it.
  const other = h.uniqueTopic('chat');
  await h.allow(cluster.pg, [['ned', other]]);
  const [ned] = await h.joined(nodes.node3, other, 'ned');
  await cluster.pg.psql(`DELETE FROM ${S}.topic_allowances`
                       + ` WHERE user_sub = 'ned'`);
  await ned.next(forbidden(other), 1000);
  mo.send({ action: 9, topic });
  await mo.next((f) => f && f.action === 9 && f.topic === topic);
  await mo.subscribe(topic);
  assert.equal(await calls(), before + 2);
});

test('the listener reconnects and re-checks everything it may have missed', T,
     async () => {
  const topic = h.uniqueTopic('chat');
  await h.allow(cluster.pg, [['olga', topic], ['pia', topic]]);
  const olga = await h.connect(nodes.node2, 'olga');
  const pia = await h.connect(nodes.node1, 'pia');
  for (const c of [olga, pia]) await c.subscribe(topic);
  const LISTENING = /allowance listener: listening on sockd_access/g;
  const before = nodes.node2.log().match(LISTENING).length;
  // Every node's listener session ends (waiting until each is gone), and
  // the DELETE commits right after, before the listeners are back: its
  // NOTIFY goes to nobody (unless a listener was quicker), and the re-check
  // of everything after a reconnect finds it. No periodic re-check here.
  await cluster.pg.psql(`SELECT pg_terminate_backend(pid, 5000)
    FROM pg_stat_activity WHERE query ILIKE 'LISTEN%';
    DELETE FROM ${S}.topic_allowances WHERE user_sub = 'olga'`);
  await olga.next(forbidden(topic), 2000);
  await pia.next(leftNotice(topic, olga));
  await h.eventually(() =>
    nodes.node2.log().match(LISTENING).length === before + 1,
  { timeout: 3000, what: 'the listener listening again' });
  assert.match(nodes.node2.log(), /allowance listener: database lost/);
});
