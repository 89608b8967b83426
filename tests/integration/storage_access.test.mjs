// Who may join a topic and who is listed in it: Awayto's booking rule for
// exchange/0..2 when its tables exist (docs/configuration.md, allowances),
// LOAD_SUBSCRIBERS with online users and offline writers (docs/protocol.md,
// "Participants"), and the actions that need a joined topic
// (docs/protocol.md, "Relays"). Stored messages and history:
// storage.test.mjs.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';

import * as h from './harness.mjs';
import { relay, store, useStorageServer } from './storage.mjs';

const T = { timeout: 40000 };
const S = h.SCHEMA;

// Awayto's exchange rule: the user made the booking's quote or owns its
// schedule bracket slot (db/allowances.cpp reads these columns).
const U = {
  quoter: crypto.randomUUID(), slotOwner: crypto.randomUUID(),
  stranger: crypto.randomUUID(),
};
const BOOKING = crypto.randomUUID();
const OTHER_BOOKING = crypto.randomUUID();

const server = useStorageServer({
  // topic_allowances does not decide exchange/* while Awayto's rule is on.
  allowances: [[U.stranger, 'exchange/0:*']],
  beforeStart: async (db) => {
    const q1 = crypto.randomUUID();
    const q2 = crypto.randomUUID();
    const s1 = crypto.randomUUID();
    const s2 = crypto.randomUUID();
    // Awayto's tables exist before sockd starts: exchange/* use its rule.
    await db.psql(`
      CREATE SCHEMA ${S};
      CREATE TABLE ${S}.quotes (id uuid PRIMARY KEY, created_sub uuid NOT NULL);
      CREATE TABLE ${S}.schedule_bracket_slots (
        id uuid PRIMARY KEY, created_sub uuid NOT NULL);
      CREATE TABLE ${S}.bookings (
        id uuid PRIMARY KEY,
        quote_id uuid NOT NULL REFERENCES ${S}.quotes (id),
        schedule_bracket_slot_id uuid NOT NULL
          REFERENCES ${S}.schedule_bracket_slots (id));
      INSERT INTO ${S}.quotes VALUES ('${q1}', '${U.quoter}'),
                                     ('${q2}', '${U.stranger}');
      INSERT INTO ${S}.schedule_bracket_slots VALUES ('${s1}', '${U.slotOwner}'),
                                                     ('${s2}', '${U.stranger}');
      INSERT INTO ${S}.bookings VALUES ('${BOOKING}', '${q1}', '${s1}'),
                                       ('${OTHER_BOOKING}', '${q2}', '${s2}');`);
  },
});

/// Connects each sub and joins `topic` with all of them.
const joined = (topic, ...subs) => h.joined(server.sockd, topic, ...subs);

test('LOAD_SUBSCRIBERS: online users and offline writers, sent to all', T,
     async () => {
  const topic = h.uniqueTopic();
  const [alice, bob] = await joined(topic, 'alice', 'bob');
  const [carol] = await joined(topic, 'carol');
  await store(carol, topic, 'ls-carol');
  await carol.close();
  await alice.next({ action: 4, topic, payload: `carol:${carol.cid}` });
  await bob.next({ action: 4, topic, payload: `carol:${carol.cid}` });
  await store(alice, topic, 'ls-alice');
  bob.take(() => true);
  alice.send({ action: 10, topic, id: 'ls-1' });
  const person = (sub, cids, online) => ({
    scid: sub, cids, name: '', role: '', color: '', exists: true, online,
  });
  const expected = {
    action: 10, topic, sender: alice.cid,
    payload: {
      alice: person('alice', [alice.cid], true),
      bob: person('bob', [bob.cid], true),
      carol: person('carol', [carol.cid], false),
    },
  };
  for (const c of [alice, bob]) {
    assert.deepEqual(await c.next({ action: 10, topic }), expected,
                     `${c.sub}'s participant list`);
  }
  await alice.next(h.isAck('ls-1'));
});

test('LOAD_MESSAGES, LOAD_SUBSCRIBERS and UNSUBSCRIBE need a joined topic', T,
     async () => {
  const topic = h.uniqueTopic();
  const [bob] = await joined(topic, 'bob');
  await store(bob, topic, 'nj-0');
  const alice = await h.connect(server.sockd, 'alice');
  for (const action of [6, 10, 9, 'LOAD_MESSAGES', 'load_subscribers',
                        'UNSUBSCRIBE']) {
    const id = `nj-${action}`;
    alice.send({ action, topic, payload: { page: 1, pageSize: 10 }, id });
    const f = await alice.next((x) => h.isReply(x) && x.payload.id === id);
    assert.deepEqual(f, {
      action: 'ERROR', topic,
      payload: { code: 'not_subscribed', message: f.payload.message,
                 request: action, id },
    }, `action ${action}`);
  }
  await alice.roundTrip();
  assert.deepEqual(alice.queued((f) => f && f.topic === topic), []);
  await bob.roundTrip();
  assert.deepEqual(bob.queued((f) => f && f.action === 10), []);
});

test("exchange/0..2 follow Awayto's booking rule when its tables exist", T,
     async () => {
  const quoter = await h.connect(server.sockd, U.quoter);
  const owner = await h.connect(server.sockd, U.slotOwner);
  const stranger = await h.connect(server.sockd, U.stranger);
  const check = async (c, topic, allowed, who) => {
    c.send({ action: 8, topic });
    const f = await c.next((x) => x && x.topic === topic);
    if (allowed) {
      assert.deepEqual(f, { action: 8, topic }, `${who} may join ${topic}`);
    } else {
      assert.equal(f.action, 'ERROR', `${who} may not join ${topic}: `
                                      + JSON.stringify(f));
      assert.equal(f.payload.code, 'forbidden', `${who} on ${topic}`);
    }
  };
  for (const type of ['exchange/0', 'exchange/1', 'exchange/2']) {
    await check(quoter, `${type}:${BOOKING}`, true, 'the quote creator');
    await check(owner, `${type}:${BOOKING}`, true, 'the slot owner');
    // stranger also has a topic_allowances row for exchange/0:*, which
    // does not count under Awayto's rule.
    await check(stranger, `${type}:${BOOKING}`, false, 'a stranger');
    await check(stranger, `${type}:${OTHER_BOOKING}`, true, 'its own booking');
    await check(quoter, `${type}:${OTHER_BOOKING}`, false, 'another booking');
    await check(quoter, `${type}:${crypto.randomUUID()}`, false,
                'an unknown booking');
    await check(quoter, `${type}:not-a-uuid`, false, 'a handle not a uuid');
  }
  // Messages flow between the two participants.
  const topic = `exchange/0:${BOOKING}`;
  quoter.send({ action: 12, topic, payload: { m: 'xq', message: 'hello' } });
  const f = await owner.next(relay(topic, 'xq'));
  assert.equal(f.sender, quoter.cid);
});
