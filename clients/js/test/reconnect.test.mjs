// The client over time against the real sockd: PING/PONG keepalive,
// close() for good, and reconnection with backoff and resubscription after
// the server was killed and started again on the same port.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { afterEach, test } from 'node:test';

import WebSocket from 'ws';

import * as h from '../../../tests/integration/harness.mjs';
import { createSockdClient, SocketActions as A } from '../src/sockd-client.mjs';
import { closeClients, collect, isKeepalive, isText, makeClient, spySocket,
         track } from './helpers.mjs';

const T = { timeout: 60000 };

// PINGs every second, so the keepalive test need not wait 30 s.
const server = h.useServer({
  args: { ping_interval: 1, ping_timeout: 3 },
  allowances: [['alice', '*'], ['bob', 'chat:*']],
});

afterEach(closeClients);

/// Resolves once every thread of process `pid` is stopped, as SIGSTOP
/// leaves them in time: before that, sockd may still answer a request.
/// Only /proc tells (state `T` in each thread's stat), so it is polled.
function stopped(pid) {
  const state = (stat) => stat.slice(stat.lastIndexOf(')') + 2)[0];
  return h.eventually(() => fs.readdirSync(`/proc/${pid}/task`).every((t) =>
    state(fs.readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8')) === 'T'),
  { what: `process ${pid} stopped`, interval: 10 });
}

test('PING from the server is answered with PONG; the socket stays up', T,
  async () => {
    const spy = spySocket();
    const c = makeClient(server.sockd, 'alice', { WebSocket: spy.SpySocket });
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
  track(c);
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
    const own = await h.startSockd({ databaseUrl: server.pg.url });
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
      await stopped(own.process.pid);
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
        databaseUrl: server.pg.url,
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
