// Recovery after reconnect (docs/protocol.md, "Recovery after reconnect";
// issue 15 part 1) with the real binary and PostgreSQL: a client that asked
// for positions drops (RST), misses 50 relays (stored and not), reconnects
// with a new ticket and SUBSCRIBE since its last position: exactly those 50,
// in order, then recovered:true; past the buffer and after a restart of
// sockd: recovered:false. Plain members see frames exactly as before.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';
import { publish, subscribeWith } from './positions.mjs';

const T = { timeout: 60000 };
const HISTORY = 60;
const ARGS = { messages_per_second: 100000, messages_burst: 100000,
               history_size: HISTORY };

let pg = null;
let sockd = null;

before(async () => {
  pg = await h.startPostgres();
  sockd = await h.startSockd({ databaseUrl: pg.url, args: ARGS });
  await h.allow(pg, [['alice', 'chat:*'], ['bob', 'chat:*']]);
});

after(async () => {
  h.closeAllClients();
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
});

const PLAIN_KEYS = ['action', 'payload', 'sender', 'timestamp', 'topic'];

test('a dropped client recovers exactly the 50 relays it missed', T,
     async () => {
  const topic = h.uniqueTopic();
  const bob = await h.connect(sockd, 'bob');
  await bob.subscribe(topic);
  const alice = await h.connect(sockd, 'alice');
  const [ack] = await subscribeWith(alice, topic, { recover: true });
  assert.equal(typeof ack.epoch, 'string');
  assert.deepEqual(Object.keys(ack).sort(),
                   ['action', 'epoch', 'offset', 'topic']);
  assert.equal(ack.offset, 0);
  const epoch = ack.epoch;

  const plain = await publish(bob, topic, 1, 3);
  for (const f of plain) {
    const keys = Object.keys(f).filter((k) => k !== 'store').sort();
    assert.deepEqual(keys, PLAIN_KEYS); // a plain member: no position
  }
  const seen = await alice.nextN((f) => f && f.topic === topic
    && f.action === 12, 3);
  assert.deepEqual(seen.map((f) => [f.offset, f.epoch]),
                   [[1, epoch], [2, epoch], [3, epoch]]);
  // Positioned: the plain frame plus offset and epoch, nothing else changed.
  for (let i = 0; i < 3; ++i) {
    const { offset: _o, epoch: _e, ...rest } = seen[i];
    assert.deepEqual(rest, plain[i]);
  }
  const last = seen[2].offset;

  alice.terminate(); // RST: no close handshake
  await bob.next((f) => f && f.action === 4 && f.topic === topic);
  await publish(bob, topic, 4, 50);
  for (let m = 4; m < 54; m += 2) await bob.next(h.isAck(`m${m}`));

  const again = await h.connect(sockd, 'alice');
  const got = await subscribeWith(again, topic,
                                  { since: { epoch, offset: last } });
  const relays = got.slice(0, -1);
  assert.equal(relays.length, 50, JSON.stringify(got.slice(-3)));
  assert.deepEqual(relays.map((f) => f.payload.m),
                   Array.from({ length: 50 }, (_, i) => 4 + i));
  assert.deepEqual(relays.map((f) => f.offset),
                   Array.from({ length: 50 }, (_, i) => last + 1 + i));
  assert.ok(relays.every((f) => f.epoch === epoch && f.action === 12));
  assert.deepEqual(got.at(-1), { action: 8, topic, recovered: true, epoch,
                                 offset: last + 50 });
  // Live frames follow from the next offset, nothing repeated.
  await publish(bob, topic, 54, 1);
  const live = await again.next((f) => f && f.topic === topic);
  assert.equal(live.offset, last + 51);
  await again.roundTrip();
  assert.deepEqual(again.queued((f) => f && f.topic === topic), []);
});

test('past the buffer: recovered false, no replay', T, async () => {
  const topic = h.uniqueTopic();
  const bob = await h.connect(sockd, 'bob');
  await bob.subscribe(topic);
  const alice = await h.connect(sockd, 'alice');
  const [ack] = await subscribeWith(alice, topic, { recover: true });
  alice.terminate();
  await publish(bob, topic, 1, HISTORY + 5);
  const again = await h.connect(sockd, 'alice');
  const got = await subscribeWith(again, topic,
                                  { since: { epoch: ack.epoch, offset: 0 } });
  assert.deepEqual(got, [{ action: 8, topic, recovered: false,
                           epoch: ack.epoch, offset: HISTORY + 5 }]);
});

test('a malformed since is a bad_frame', T, async () => {
  const topic = h.uniqueTopic();
  const alice = await h.connect(sockd, 'alice');
  const got = await subscribeWith(alice, topic,
                                  { since: { epoch: 'x', offset: -1 } });
  assert.equal(got.length, 1);
  assert.equal(got[0].action, 'ERROR');
  assert.equal(got[0].payload.code, 'bad_frame');
});

test('after a restart of sockd: a new epoch, recovered false', T,
     async () => {
  const topic = h.uniqueTopic();
  const bob = await h.connect(sockd, 'bob');
  await bob.subscribe(topic);
  const alice = await h.connect(sockd, 'alice');
  const [ack] = await subscribeWith(alice, topic, { recover: true });
  await publish(bob, topic, 1, 4); // two of them stored
  await alice.nextN((f) => f && f.topic === topic && f.action === 12, 4);
  h.closeAllClients();
  await sockd.stop();
  sockd = await h.startSockd({ databaseUrl: pg.url, args: ARGS });
  const again = await h.connect(sockd, 'alice');
  const got = await subscribeWith(again, topic,
                                  { since: { epoch: ack.epoch, offset: 4 } });
  assert.equal(got.length, 1);
  assert.equal(got[0].recovered, false);
  assert.notEqual(got[0].epoch, ack.epoch);
  assert.equal(got[0].offset, 0);
});
