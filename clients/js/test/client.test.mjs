// The client against the real sockd: tickets, ACK promises, listener
// bookkeeping, PING/PONG, and reconnection with resubscription after the
// server was killed and started again on the same port.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';

import WebSocket from 'ws';

import * as h from '../../../tests/integration/harness.mjs';
import { createSockdClient, SocketActions as A, SockdError }
  from '../src/sockd-client.mjs';

const T = { timeout: 60000 };
let pg;
let sockd;
const clients = new Set();

before(async () => {
  pg = await h.startPostgres();
  // PINGs every second, so the keepalive test need not wait 30 s.
  sockd = await h.startSockd({
    databaseUrl: pg.url,
    args: { ping_interval: 1, ping_timeout: 3 },
  });
  await h.allow(pg, [['alice', '*'], ['bob', 'chat:*']]);
});

afterEach(() => {
  for (const c of clients) c.close();
  clients.clear();
  h.closeAllClients();
});

after(async () => {
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
});

/// A WebSocket class that records what the client sends and receives.
/// `sentN(pred, n)` resolves once `n` frames the client sent match `pred`;
/// `written()` once all it sent so far has been handed to the kernel.
function spySocket() {
  const sent = [];
  const received = [];
  const waiters = new Set();
  let last_write = Promise.resolve();
  const check = (w) => {
    if (sent.filter(w.pred).length < w.n) return;
    waiters.delete(w);
    w.resolve();
  };
  class SpySocket extends WebSocket {
    constructor(url) {
      super(url);
      this.addEventListener('message', (ev) => {
        received.push(JSON.parse(String(ev.data)));
      });
    }
    send(data) {
      sent.push(JSON.parse(data));
      // The callback also gets a write error, which the client's own close
      // handling reports; here it only ends the wait.
      last_write = new Promise((resolve) => { super.send(data, resolve); });
      for (const w of [...waiters]) check(w);
    }
  }
  const sentN = (pred, n, ms = 5000) => {
    const done = new Promise((resolve) => {
      const w = { pred, n, resolve };
      waiters.add(w);
      check(w);
    });
    return h.within(done, ms, `${n} sent frames matching ${pred}`);
  };
  return { SpySocket, sent, received, sentN, written: () => last_write };
}

/// A client of `server` for `sub`; closed after each test.
function makeClient(server, sub, extra = {}) {
  const c = createSockdClient({
    url: server.url,
    getToken: async () => h.userToken(sub),
    WebSocket: extra.WebSocket ?? WebSocket,
    backoff: { initialMs: 100, maxMs: 1000 },
    requestTimeoutMs: 5000,
    ...extra,
  });
  clients.add(c);
  return c;
}

/// Resolves with the first frame a listener of `topic` gets that `pred`
/// accepts; the listener is removed afterwards only if `own` says so.
function nextOn(client, topic, pred, ms = 5000) {
  return new Promise((resolve, reject) => {
    let stop = null;
    const timer = setTimeout(() => {
      stop?.();
      reject(new Error(`timeout waiting on ${topic}`));
    }, ms);
    stop = client.subscribe(topic, (f) => {
      if (!pred(f)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(f);
    });
  });
}

/// Collects every frame a listener of `topic` gets.
function collect(client, topic) {
  const frames = [];
  const stop = client.subscribe(topic, (f) => { frames.push(f); });
  return { frames, stop };
}

const isText = (m) => (f) => f.action === A.TEXT && f.payload?.m === m;
const isKeepalive = (word) => (f) => f.payload === word && f.action === undefined;

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
    clients.add(c);
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

test('PING from the server is answered with PONG; the socket stays up', T,
  async () => {
    const spy = spySocket();
    const c = makeClient(sockd, 'alice', { WebSocket: spy.SpySocket });
    const cid = await c.waitForOpen();
    const messages = [];
    c.on('message', (f) => messages.push(f));
    // ping_interval 1 s, ping_timeout 3 s. sockd's keepalive visits the
    // connection once per interval, never early, and each visit sends a
    // PING or, when no sign of life came for ping_timeout, closes instead
    // (actors/connection.cpp). Its 4th visit is at least 3 s after the
    // connection began: a 4th PING proves the PONGs kept it open. The 5th
    // PONG (the client answers as the PING arrives) leaves a visit to spare.
    await spy.sentN(isKeepalive('PONG'), 5, 15000);
    const pings = spy.received.filter(isKeepalive('PING'));
    const pongs = spy.sent.filter(isKeepalive('PONG'));
    assert.equal(pings.length, 5);
    assert.equal(pongs.length, 5);
    assert.equal(spy.sent.length, pongs.length, 'nothing else was sent');
    assert.equal(c.connected, true);
    assert.equal(c.connectionId, cid, 'no reconnect happened');
    assert.equal(messages.length, 0, 'keepalives are not messages');
  });

test('close() stops reconnecting for good', T, async () => {
  const port = await h.freePort(); // nobody listens there
  const fetches = [];
  const c = createSockdClient({
    url: `http://127.0.0.1:${port}`,
    getToken: () => h.userToken('alice'),
    WebSocket,
    fetch: (...args) => {
      const p = fetch(...args);
      fetches.push(p);
      return p;
    },
    backoff: { initialMs: 20, maxMs: 40 },
  });
  const tickets = () => fetches.length;
  clients.add(c);
  const errors = [];
  c.on('error', (e) => errors.push(e));
  await h.eventually(() => tickets() >= 3, { what: 'three attempts' });
  assert.ok(errors.every((e) => e.code === 'ticket_failed'));
  c.close();
  const after_close = tickets();
  const events = [];
  c.on('state', (s) => events.push(s));
  c.on('reconnecting', (r) => events.push(r));
  // Only time can show that nothing happens, but a bounded time suffices.
  // What could still start an attempt: a ticket request in flight (awaited
  // here; its outcome is handled in the same turn), or a retry timer
  // close() failed to clear, armed for at most maxMs (40 ms) before
  // close(). Node runs timers in the order they fall due, so once a timer
  // armed now for 5 x maxMs has fired, such a retry would have run.
  await Promise.allSettled(fetches);
  await h.sleep(5 * 40);
  assert.equal(tickets(), after_close);
  assert.deepEqual(events, []);
  assert.equal(c.state, 'closed');
});

test('reconnect: sockd killed and restarted on the same port; the client '
     + 'comes back with backoff and its subscriptions work again', T,
  async () => {
    const own = await h.startSockd({ databaseUrl: pg.url });
    const port = own.port;
    let restarted = null;
    try {
      let tickets = 0;
      const spy = spySocket();
      const c = makeClient(own, 'alice', {
        fetch: (...args) => { tickets += 1; return fetch(...args); },
        backoff: { initialMs: 100, maxMs: 800 },
        WebSocket: spy.SpySocket,
      });
      const retries = [];      // reconnecting events, with the tickets so far
      const waited = new Set(); // attempts whose delay had passed
      const starts = [];       // per start after a retry: had it waited?
      let fourth_retry = null;
      const fourth = new Promise((resolve) => { fourth_retry = resolve; });
      c.on('reconnecting', (r) => {
        retries.push({ ...r, tickets });
        // Armed just before the client arms its retry timer, for the same
        // delay: Node runs timers of one duration in the order they were
        // armed, so this one fires first; an attempt starting before it
        // fired did not wait its delay.
        setTimeout(() => waited.add(r.attempt), r.delayMs);
        if (r.attempt === 4) fourth_retry();
      });
      c.on('state', ({ state }) => {
        if (state === 'connecting' && retries.length > 0)
          starts.push(waited.has(retries.length));
      });
      const closes = [];
      c.on('close', (e) => closes.push(e));
      const topic = h.uniqueTopic('chat');
      const seen = collect(c, topic);
      const cid1 = await c.waitForOpen();
      await h.eventually(() => c.isJoined(topic), { what: 'joined' });

      // Freeze sockd so a request is surely in flight (written to the
      // socket, never answered), then kill it: the pending request is
      // rejected when the socket goes.
      own.process.kill('SIGSTOP');
      const inflight = c.request(A.TEXT, topic, { m: 'lost' })
        .then(() => null, (e) => e);
      await spy.written();
      assert.equal(c.pendingRequests, 1);
      own.process.kill('SIGKILL');
      await own.kill();
      const lost = await inflight;
      assert.equal(lost?.code, 'disconnected');
      await h.eventually(() => closes.length === 1, { what: 'close event' });
      assert.equal(c.connected, false);
      assert.equal(c.connectionId, '');
      assert.equal(c.isJoined(topic), false);

      // Down for a while: attempts back off instead of storming. Four
      // retries scheduled: each delay drawn under a cap doubling from
      // 100 ms to at most 800 ms, each attempt started only after its delay,
      // and one ticket per attempt (the first connection's, then one per
      // retry that ran).
      await h.within(fourth, 10000, 'the fourth retry');
      retries.slice(0, 4).forEach((r, i) => {
        assert.equal(r.attempt, i + 1);
        assert.ok(r.delayMs >= 0 && r.delayMs <= Math.min(800, 100 * 2 ** i),
                  `attempt ${r.attempt} waited ${r.delayMs} ms`);
        assert.equal(r.tickets, i + 1, `tickets before retry ${r.attempt}`);
      });
      assert.deepEqual(starts.slice(0, 3), [true, true, true],
                       'attempts 1-3 started after their delays');

      restarted = await h.startSockd({
        databaseUrl: pg.url,
        args: { listen: `127.0.0.1:${port}` },
      });
      assert.equal(restarted.port, port);
      seen.frames.length = 0;
      const cid2 = await c.waitForOpen(5000);
      assert.notEqual(cid2, cid1, 'a fresh ticket, a new connection id');
      await h.eventually(() => seen.frames.some((f) => f.action === A.SUBSCRIBE),
                         { what: 'resubscribed' });
      assert.equal(c.isJoined(topic), true);

      const bob = await h.connect(restarted, 'bob');
      await bob.subscribe(topic);
      bob.send({ action: A.TEXT, topic, payload: { m: 'after-restart' } });
      await h.eventually(() => seen.frames.some(isText('after-restart')),
                         { what: 'relay after the restart' });
      const ack = await c.request(A.TEXT, topic, { m: 'from-alice' });
      assert.equal(ack.action, 'ACK');
      await bob.next(isText('from-alice'));
      seen.stop();
    } finally {
      await own.kill();
      if (restarted) await restarted.stop().catch(() => restarted.kill());
    }
  });
