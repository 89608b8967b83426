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
function spySocket() {
  const sent = [];
  const received = [];
  class SpySocket extends WebSocket {
    constructor(url) {
      super(url);
      this.addEventListener('message', (ev) => {
        received.push(JSON.parse(String(ev.data)));
      });
    }
    send(data) {
      sent.push(JSON.parse(data));
      super.send(data);
    }
  }
  return { SpySocket, sent, received };
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
    assert.equal(unsubs().length, 0);
    await bob.none((f) => f.action === A.UNSUBSCRIBE_TOPIC, 300);

    two.stop();
    await h.eventually(() => unsubs().length === 1, { what: 'UNSUBSCRIBE' });
    const leave = await bob.next({ action: A.UNSUBSCRIBE_TOPIC, topic });
    assert.equal(leave.payload, `alice:${c.connectionId}`);
    assert.equal(c.isJoined(topic), false);
    assert.deepEqual(c.topics(), []);
    bob.send({ action: A.TEXT, topic, payload: { m: 'after' } });
    await bob.next(isText('after'));
    await bob.roundTrip();
    await h.sleep(100);
    assert.ok(!two.frames.some(isText('after')));
    assert.equal(subs().length, 1);
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
    // ping_interval 1 s, ping_timeout 3 s: idle for longer than the timeout.
    await h.sleep(4500);
    const pings = spy.received.filter((f) => f.payload === 'PING'
                                      && f.action === undefined);
    const pongs = spy.sent.filter((f) => f.payload === 'PONG'
                                  && f.action === undefined);
    assert.ok(pings.length >= 3, `PINGs received: ${pings.length}`);
    assert.equal(pongs.length, pings.length);
    assert.equal(spy.sent.length, pongs.length, 'nothing else was sent');
    assert.equal(c.connected, true);
    assert.equal(c.connectionId, cid, 'no reconnect happened');
    assert.equal(messages.length, 0, 'keepalives are not messages');
  });

test('close() stops reconnecting for good', T, async () => {
  const port = await h.freePort(); // nobody listens there
  let tickets = 0;
  const c = createSockdClient({
    url: `http://127.0.0.1:${port}`,
    getToken: () => h.userToken('alice'),
    WebSocket,
    fetch: (...args) => { tickets += 1; return fetch(...args); },
    backoff: { initialMs: 20, maxMs: 40 },
  });
  clients.add(c);
  const errors = [];
  c.on('error', (e) => errors.push(e));
  await h.eventually(() => tickets >= 3, { what: 'three attempts' });
  assert.ok(errors.every((e) => e.code === 'ticket_failed'));
  c.close();
  const after_close = tickets;
  const events = [];
  c.on('state', (s) => events.push(s));
  c.on('reconnecting', (r) => events.push(r));
  await h.sleep(300);
  assert.equal(tickets, after_close);
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
      const c = makeClient(own, 'alice', {
        fetch: (...args) => { tickets += 1; return fetch(...args); },
        backoff: { initialMs: 100, maxMs: 800 },
      });
      const retries = [];
      c.on('reconnecting', (r) => retries.push({ ...r, at: Date.now() }));
      const closes = [];
      c.on('close', (e) => closes.push(e));
      const topic = h.uniqueTopic('chat');
      const seen = collect(c, topic);
      const cid1 = await c.waitForOpen();
      await h.eventually(() => c.isJoined(topic), { what: 'joined' });

      // Freeze sockd so a request is surely in flight, then kill it: the
      // pending request is rejected when the socket goes.
      own.process.kill('SIGSTOP');
      const inflight = c.request(A.TEXT, topic, { m: 'lost' })
        .then(() => null, (e) => e);
      await h.sleep(100);
      own.process.kill('SIGKILL');
      await own.kill();
      const lost = await inflight;
      assert.equal(lost?.code, 'disconnected');
      await h.eventually(() => closes.length === 1, { what: 'close event' });
      assert.equal(c.connected, false);
      assert.equal(c.connectionId, '');
      assert.equal(c.isJoined(topic), false);

      // Down for a while: attempts back off instead of storming.
      await h.sleep(2000);
      const down_attempts = retries.length;
      assert.ok(down_attempts >= 2, `attempts while down: ${down_attempts}`);
      assert.ok(down_attempts <= 12, `too many attempts: ${down_attempts}`);
      retries.forEach((r, i) => {
        assert.equal(r.attempt, i + 1);
        assert.ok(r.delayMs >= 0 && r.delayMs <= Math.min(800, 100 * 2 ** i),
                  `attempt ${r.attempt} waited ${r.delayMs} ms`);
      });
      // One ticket per attempt: the first one plus every retry that ran.
      assert.ok(tickets >= down_attempts, `tickets ${tickets}`);
      assert.ok(tickets <= down_attempts + 1, `tickets ${tickets}`);

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
