// The client against the real sockd: tickets, ACK promises, listener
// bookkeeping and history. Keepalive and reconnection: reconnect.test.mjs.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';

import WebSocket from 'ws';

import * as h from '../../../tests/integration/harness.mjs';
import { createSockdClient, SocketActions as A, SockdError }
  from '../src/sockd-client.mjs';
import { closeClients, collect, isText, makeClient, nextOn, spySocket, track }
  from './helpers.mjs';

const T = { timeout: 60000 };
let pg;
let sockd;

before(async () => {
  pg = await h.startPostgres();
  sockd = await h.startSockd({ databaseUrl: pg.url });
  await h.allow(pg, [['alice', '*'], ['bob', 'chat:*']]);
});

afterEach(closeClients);

after(async () => {
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
});

test('connects with a ticket; connectionId is the ticket\'s second half', T,
  async () => {
    const fetched = [];
    const c = makeClient(sockd, 'alice', {
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        const copy = res.clone();
        fetched.push({ url, auth: init.headers.Authorization,
                       body: await copy.json() });
        return res;
      },
    });
    const states = [];
    c.on('state', (s) => states.push(s.state));
    const cid = await c.waitForOpen(10000);
    assert.equal(c.connected, true);
    assert.equal(c.connectionId, cid);
    assert.equal(fetched.length, 1);
    assert.equal(fetched[0].url, `${sockd.url}/ticket`);
    assert.match(fetched[0].auth, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(fetched[0].body.ticket, h.TICKET_RE);
    assert.equal(fetched[0].body.ticket.split(':')[1], cid);
    assert.ok(states.includes('open'));
  });

test('a bad token: error event, no connection, retries with backoff', T,
  async () => {
    const c = createSockdClient({
      url: sockd.url,
      getToken: () => h.userToken('alice', 'not-the-secret'),
      WebSocket,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    track(c);
    const errors = [];
    c.on('error', (e) => errors.push(e));
    await h.eventually(() => errors.length >= 2, { what: 'two ticket errors' });
    assert.ok(errors[0] instanceof SockdError);
    assert.equal(errors[0].code, 'unauthorized');
    assert.equal(errors[0].status, 401);
    assert.equal(c.connected, false);
    c.close();
    assert.equal(c.state, 'closed');
  });

test('request(): ACK resolves a stored message after the row is written', T,
  async () => {
    const c = makeClient(sockd, 'alice');
    const topic = h.uniqueTopic('chat');
    const got = nextOn(c, topic, isText('stored-1'));
    await nextOn(c, topic, (f) => f.action === A.SUBSCRIBE);
    const ack = await c.request(A.TEXT, topic, { m: 'stored-1' },
                                { store: true });
    assert.equal(ack.action, 'ACK');
    assert.equal(typeof ack.payload.id, 'string');
    assert.ok(ack.payload.id.length <= 64);
    const rows = await pg.psql(`SELECT count(*) FROM ${h.SCHEMA}.topic_messages`
                               + ` WHERE topic = ${h.sqlString(topic)}`);
    assert.equal(rows, '1');
    const relay = await got;
    assert.equal(relay.sender, c.connectionId);
    assert.equal(relay.store, true);
    assert.match(relay.timestamp, h.ISO_MS_RE);
    assert.equal(c.pendingRequests, 0);
  });

test('request(): a denied SUBSCRIBE rejects with forbidden', T, async () => {
  const c = makeClient(sockd, 'bob');
  await c.waitForOpen();
  const topic = h.uniqueTopic('secret');
  await assert.rejects(c.request(A.SUBSCRIBE, topic), (e) => {
    assert.ok(e instanceof SockdError);
    assert.equal(e.code, 'forbidden');
    assert.equal(e.topic, topic);
    assert.equal(e.request, A.SUBSCRIBE);
    return true;
  });
  assert.equal(c.pendingRequests, 0);
});

test('subscribe() to a denied topic reports forbidden as an error event', T,
  async () => {
    const c = makeClient(sockd, 'bob');
    const topic = h.uniqueTopic('secret');
    const error = new Promise((resolve) => {
      c.on('error', (e) => { if (e.topic === topic) resolve(e); });
    });
    const stop = c.subscribe(topic, () => assert.fail('no frame expected'));
    const e = await h.within(error, 5000, 'forbidden error event');
    assert.equal(e.code, 'forbidden');
    assert.equal(c.isJoined(topic), false);
    stop();
  });

test('request(): a relay on a topic not joined rejects with not_subscribed',
  T, async () => {
    const c = makeClient(sockd, 'alice');
    await c.waitForOpen();
    const topic = h.uniqueTopic('chat');
    await assert.rejects(c.request(A.TEXT, topic, { m: 1 }),
      (e) => e.code === 'not_subscribed' && e.topic === topic);
    await assert.rejects(c.request(A.UNSUBSCRIBE, topic),
      (e) => e.code === 'not_subscribed');
  });

test('request() while disconnected or after close() rejects at once', T,
  async () => {
    const c = makeClient(sockd, 'alice', { autoConnect: false });
    await assert.rejects(c.request(A.TEXT, 'chat:x', {}),
      (e) => e.code === 'disconnected');
    assert.equal(c.transmit(false, A.TEXT, 'chat:x', {}), false);
    c.connect();
    await c.waitForOpen();
    const topic = h.uniqueTopic('chat');
    await nextOn(c, topic, (f) => f.action === A.SUBSCRIBE);
    const p = c.request(A.TEXT, topic, { m: 'late' });
    c.close();
    await assert.rejects(p, (e) => e.code === 'closed');
    await assert.rejects(c.request(A.TEXT, topic, {}),
      (e) => e.code === 'disconnected');
    assert.throws(() => c.connect(), (e) => e.code === 'closed');
  });

test('two listeners share one SUBSCRIBE; the last one leaving unsubscribes',
  T, async () => {
    const spy = spySocket();
    const c = makeClient(sockd, 'alice', { WebSocket: spy.SpySocket });
    await c.waitForOpen();
    const topic = h.uniqueTopic('chat');
    const subs = () => spy.sent.filter((f) => f.topic === topic
                                        && f.action === A.SUBSCRIBE);
    const unsubs = () => spy.sent.filter((f) => f.topic === topic
                                          && f.action === A.UNSUBSCRIBE);

    const one = collect(c, topic);
    const two = collect(c, topic);
    await h.eventually(() => c.isJoined(topic), { what: 'joined' });
    assert.equal(subs().length, 1);
    // Both listeners see the join ack: the second one gets its own copy
    // when it came after the ack.
    await h.eventually(() => two.frames.some((f) => f.action === A.SUBSCRIBE),
                       { what: 'ack for the second listener' });
    assert.ok(one.frames.some((f) => f.action === A.SUBSCRIBE));

    const bob = await h.connect(sockd, 'bob');
    await bob.subscribe(topic);
    bob.send({ action: A.TEXT, topic, payload: { m: 'to-both' } });
    await h.eventually(() => one.frames.some(isText('to-both'))
                       && two.frames.some(isText('to-both')),
                       { what: 'relay at both listeners' });

    one.stop();
    one.stop(); // idempotent
    bob.send({ action: A.TEXT, topic, payload: { m: 'to-two' } });
    await h.eventually(() => two.frames.some(isText('to-two')),
                       { what: 'relay at the remaining listener' });
    assert.ok(!one.frames.some(isText('to-two')));
    assert.equal(unsubs().length, 0); // an UNSUBSCRIBE goes out at once
    // Still joined: alice's relay is acknowledged (not not_subscribed) and
    // reaches bob with no leave notice before it, which the topic would
    // have sent him first.
    await c.request(A.TEXT, topic, { m: 'still-joined' });
    await bob.next(isText('still-joined'));
    assert.deepEqual(bob.queued((f) => f.action === A.UNSUBSCRIBE_TOPIC), []);

    two.stop();
    await h.eventually(() => unsubs().length === 1, { what: 'UNSUBSCRIBE' });
    const leave = await bob.next({ action: A.UNSUBSCRIBE_TOPIC, topic });
    assert.equal(leave.payload, `alice:${c.connectionId}`);
    assert.equal(c.isJoined(topic), false);
    assert.deepEqual(c.topics(), []);
    bob.send({ action: A.TEXT, topic, payload: { m: 'after' } });
    await bob.next(isText('after'));
    assert.equal(subs().length, 1);
    // Nothing of 'after' came to alice: she joins again, and the topic,
    // which handled 'after' before this join (bob has it), sends her the
    // join ack behind anything it sent her before.
    await nextOn(c, topic, (f) => f.action === A.SUBSCRIBE);
    assert.ok(!spy.received.some(isText('after')), 'sent after leaving');
    assert.ok(!two.frames.some(isText('after')), 'delivered after stop()');
  });

test('history: LOAD_MESSAGES replays before its ACK, then HAS_MORE', T,
  async () => {
    const c = makeClient(sockd, 'alice');
    const topic = h.uniqueTopic('chat');
    const seen = collect(c, topic);
    await h.eventually(() => c.isJoined(topic), { what: 'joined' });
    for (const m of ['h1', 'h2', 'h3']) {
      await c.request(A.TEXT, topic, { m }, { store: true });
    }
    seen.frames.length = 0;
    await c.request(A.LOAD_MESSAGES, topic, { page: 1, pageSize: 2 });
    const history = seen.frames.filter((f) => f.historical);
    assert.deepEqual(history.map((f) => f.payload.m), ['h3', 'h2']);
    for (const f of history) {
      assert.equal(f.sender, c.connectionId);
      assert.equal(f.store, undefined);
    }
    await h.eventually(() => seen.frames.some((f) =>
      f.action === A.HAS_MORE_MESSAGES), { what: 'HAS_MORE_MESSAGES' });

    seen.frames.length = 0;
    await c.request(A.LOAD_MESSAGES, topic, { page: 2, pageSize: 2 });
    assert.deepEqual(seen.frames.filter((f) => f.historical)
      .map((f) => f.payload.m), ['h1']);
    await c.request(A.LOAD_SUBSCRIBERS, topic); // a round trip
    assert.ok(!seen.frames.some((f) => f.action === A.HAS_MORE_MESSAGES));
    seen.stop();
  });
