// Recovery after reconnect with the JS client against the real sockd
// (docs/client.md, "Recovery"): the client remembers each topic's position,
// and after its socket is cut (RST) it resubscribes with `since`: every
// frame published meanwhile arrives once, in order, and isRecovered() says
// so; with `recover: false` the client joins plainly, as before.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import WebSocket from 'ws';

import * as h from '../../../tests/integration/harness.mjs';
import { SocketActions as A } from '../src/sockd-client.mjs';
import { closeClients, collect, makeClient } from './helpers.mjs';

const T = { timeout: 60000 };

const server = h.useServer({
  args: { messages_per_second: 100000, messages_burst: 100000 },
  allowances: [['alice', 'chat:*'], ['bob', 'chat:*']],
});

afterEach(closeClients);

/// A WebSocket class that keeps its sockets (to cut them) and what the
/// client sent.
function keptSockets() {
  const sockets = [];
  const sent = [];
  class Kept extends WebSocket {
    constructor(url) {
      super(url);
      sockets.push(this);
    }
    send(data) {
      sent.push(JSON.parse(data));
      super.send(data);
    }
  }
  return { Kept, sockets, sent };
}

const texts = (frames) => frames.filter((f) => f.action === 12)
  .map((f) => f.payload.m);

async function publish(bob, topic, first, n) {
  for (let m = first; m < first + n; ++m) {
    bob.send({ action: 12, topic, payload: { m },
               ...(m % 2 ? {} : { store: true, id: `m${m}` }) });
  }
  await bob.nextN((f) => f && f.topic === topic && f.action === 12, n);
}

test('after an RST the client resubscribes with since and misses nothing', T,
  async () => {
    const topic = h.uniqueTopic();
    const kept = keptSockets();
    const alice = makeClient(server.sockd, 'alice', { WebSocket: kept.Kept });
    const { frames } = collect(alice, topic);
    await h.eventually(() => alice.isJoined(topic), { what: 'joined' });
    const first = kept.sent.find((f) => f.action === A.SUBSCRIBE);
    assert.equal(first.recover, true);
    assert.equal(first.since, undefined);
    const bob = await h.connect(server.sockd, 'bob');
    await bob.subscribe(topic);
    await publish(bob, topic, 1, 3);
    await h.eventually(() => texts(frames).length === 3, { what: '3 frames' });
    const position = alice.position(topic);
    assert.equal(position.offset, 3);
    assert.equal(alice.isRecovered(topic), false);

    kept.sockets[0].terminate(); // RST
    await publish(bob, topic, 4, 20);
    await h.eventually(() => kept.sockets.length === 2 && alice.isJoined(topic),
                       { what: 'joined again' });
    await publish(bob, topic, 24, 1);
    await h.eventually(() => texts(frames).length >= 24,
                       { what: '24 frames' });
    assert.deepEqual(texts(frames), Array.from({ length: 24 }, (_, i) => i + 1));
    const again = kept.sent.filter((f) => f.action === A.SUBSCRIBE);
    assert.equal(again.length, 2);
    assert.deepEqual(again[1].since, position);
    assert.equal(alice.isRecovered(topic), true);
    assert.equal(alice.position(topic).offset, 24);
    const acks = frames.filter((f) => f.action === A.SUBSCRIBE);
    assert.equal(acks.at(-1).recovered, true);
  });

test('recover: false joins plainly and frames carry no position', T,
  async () => {
    const topic = h.uniqueTopic();
    const kept = keptSockets();
    const alice = makeClient(server.sockd, 'alice',
                             { WebSocket: kept.Kept, recover: false });
    const { frames } = collect(alice, topic);
    await h.eventually(() => alice.isJoined(topic), { what: 'joined' });
    const sub = kept.sent.find((f) => f.action === A.SUBSCRIBE);
    assert.deepEqual(Object.keys(sub).sort(), ['action', 'id', 'topic']);
    const bob = await h.connect(server.sockd, 'bob');
    await bob.subscribe(topic);
    await publish(bob, topic, 1, 1);
    await h.eventually(() => texts(frames).length === 1, { what: 'frame' });
    const f = frames.find((x) => x.action === 12);
    assert.equal(f.offset, undefined);
    assert.equal(f.epoch, undefined);
    assert.equal(alice.position(topic), null);
  });
