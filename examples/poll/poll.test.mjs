// The poll example type registered by its own binary (sockd_poll), used
// over real sockets against a real PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from '../../tests/integration/harness.mjs';

let pg;
let sockd;

before(async () => {
  pg = await h.startPostgres();
  sockd = await h.startSockd({ databaseUrl: pg.url });
});

after(async () => {
  h.closeAllClients();
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
});

test('votes become tallies that every member sees', { timeout: 30000 },
  async () => {
    const topic = h.uniqueTopic('poll/lunch');
    const alice = await h.connect(sockd, 'alice');
    const bob = await h.connect(sockd, 'bob');
    await alice.subscribe(topic);
    await bob.subscribe(topic);

    alice.send({ action: 'vote', topic, payload: { choice: 'pizza' }, id: 'v1' });
    const tally = await bob.next({ action: 'tally', topic });
    assert.deepEqual(tally.payload, { counts: { pizza: 1 }, votes: 1 });
    assert.equal(tally.sender, alice.cid);
    await alice.next(h.isAck('v1'));
    await alice.next({ action: 'tally', topic });
    // The vote itself is never relayed.
    await bob.none({ action: 'vote' }, 300);

    bob.send({ action: 'vote', topic, payload: { choice: 'soup' } });
    const second = await alice.next({ action: 'tally', topic });
    assert.deepEqual(second.payload,
                     { counts: { pizza: 1, soup: 1 }, votes: 2 });

    // A late joiner gets the tally right after its subscribe ack.
    const carol = await h.connect(sockd, 'carol');
    await carol.subscribe(topic);
    const late = await carol.next({ action: 'tally', topic });
    assert.deepEqual(late.payload, second.payload);
  });

test('a vote without a choice is refused with bad_frame', { timeout: 30000 },
  async () => {
    const topic = h.uniqueTopic('poll/lunch');
    const alice = await h.connect(sockd, 'alice');
    await alice.subscribe(topic);
    alice.send({ action: 'vote', topic, payload: {}, id: 'bad' });
    const err = await alice.next(h.isError('bad_frame', { id: 'bad' }));
    assert.equal(err.payload.request, 'vote');
  });

test('the built-in types still work next to the example', { timeout: 30000 },
  async () => {
    const topic = h.uniqueTopic('chat');
    await h.allow(pg, [['alice', topic]]);
    const alice = await h.connect(sockd, 'alice');
    await alice.subscribe(topic);
    alice.send({ action: 12, topic, payload: { message: 'hi' } });
    const relay = await alice.next({ action: 12, topic });
    assert.equal(relay.payload.message, 'hi');
  });
