// The React layer (WebSocketProvider + useWebSocketSubscribe) against the
// real sockd, rendered with react-test-renderer: participants, history
// paging, join and leave events, stored messages, unmount.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import React from 'react';
import TestRenderer from 'react-test-renderer';
import WebSocket from 'ws';

import * as h from '../../../tests/integration/harness.mjs';
import { SocketActions as A, WebSocketContext, WebSocketProvider,
         useWebSocketSubscribe } from '../src/react.mjs';

// Updates come from socket callbacks, outside act(): that is expected here.
globalThis.IS_REACT_ACT_ENVIRONMENT = false;

const T = { timeout: 60000 };
let pg;
let sockd;

before(async () => {
  pg = await h.startPostgres();
  sockd = await h.startSockd({ databaseUrl: pg.url });
  await h.allow(pg, [['alice', 'chat:*'], ['bob', 'chat:*'],
                     ['carol', 'chat:*'], ['dave', 'chat:*']]);
});

after(async () => {
  h.closeAllClients();
  if (sockd) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
});

function Probe({ topic, out }) {
  out.ctx = React.useContext(WebSocketContext);
  out.hook = useWebSocketSubscribe(topic, (msg) => {
    out.messages.push(msg);
  }, { pageSize: 2 });
  out.renders += 1;
  return null;
}

const until = (fn, what) => h.eventually(fn, { timeout: 8000, what });

test('WebSocketProvider + useWebSocketSubscribe: the seed\'s API end to end',
  T, async () => {
    const topic = h.uniqueTopic('chat');

    // bob stored three messages earlier and is gone now.
    const bob = await h.connect(sockd, 'bob');
    await bob.subscribe(topic);
    for (const m of ['b1', 'b2', 'b3']) {
      bob.send({ action: A.TEXT, topic, payload: { m }, store: true, id: m });
      await bob.next(h.isAck(m));
    }
    await bob.close();

    const out = { messages: [], renders: 0 };
    const errors = [];
    let renderer;
    await TestRenderer.act(async () => {
      renderer = TestRenderer.create(React.createElement(WebSocketProvider, {
        url: sockd.url,
        getToken: async () => h.userToken('alice'),
        WebSocket,
        backoff: { initialMs: 100, maxMs: 1000 },
        onError: (e) => errors.push(e),
      }, React.createElement(Probe, { topic, out })));
    });

    // The context is exactly the seed's WebSocketContextType.
    assert.deepEqual(Object.keys(out.ctx).sort(),
                     ['connected', 'connectionId', 'subscribe', 'transmit']);

    await until(() => out.hook.connected && out.hook.subscribed, 'joined');
    const cid = out.hook.connectionId;
    assert.match(cid, h.UUID_RE);
    assert.equal(out.ctx.connectionId, cid);

    // Participants: alice online, bob offline with the connection he stored
    // from; history page 1 (pageSize 2) and HAS_MORE.
    await until(() => out.hook.userList.get('bob')
                && out.hook.userList.get('alice')?.online, 'participants');
    const alice = out.hook.userList.get('alice');
    assert.deepEqual(alice.cids, [cid]);
    assert.equal(alice.scid, 'alice');
    assert.ok(alice.color);
    const bobp = out.hook.userList.get('bob');
    assert.equal(bobp.online, false);
    assert.deepEqual(bobp.cids, [bob.cid]);
    await until(() => out.messages.filter((m) => m.historical).length === 2
                && out.hook.hasMore, 'first history page');
    assert.deepEqual(out.messages.filter((m) => m.historical)
      .map((m) => m.payload.m), ['b3', 'b2']);
    assert.ok(out.messages.every((m) => m.action !== A.SUBSCRIBE
                                 && m.action !== A.LOAD_SUBSCRIBERS),
              'control frames stay in the hook');

    // "Load older": page 2 holds the last one, and no HAS_MORE.
    await out.hook.loadMessages(2);
    assert.deepEqual(out.messages.filter((m) => m.historical)
      .map((m) => m.payload.m), ['b3', 'b2', 'b1']);
    assert.equal(out.hook.hasMore, false);

    // carol joins: alice's hook reports her as the new subscriber.
    const carol = await h.connect(sockd, 'carol');
    await carol.subscribe(topic);
    carol.send({ action: A.LOAD_SUBSCRIBERS, topic });
    await until(() => out.hook.subscriber?.scid === 'carol', 'subscriber');
    assert.equal(out.hook.userList.get('carol').online, true);
    assert.deepEqual(out.hook.userList.get('carol').cids, [carol.cid]);

    // storeMessage: relayed to everyone (alice included) and stored.
    assert.equal(out.hook.storeMessage(A.TEXT, { m: 'hello' }), true);
    const relay = await carol.next((f) => f.payload?.m === 'hello');
    assert.equal(relay.sender, cid);
    assert.equal(relay.store, true);
    await until(() => out.messages.some((m) => m.payload?.m === 'hello'
                                        && !m.historical), 'own relay');
    assert.equal(out.hook.sendMessage('typing', { m: 'x' }), true);
    await carol.next({ action: 'typing', topic });

    // carol leaves: the leave notice takes her offline.
    carol.send({ action: A.UNSUBSCRIBE, topic });
    await until(() => out.hook.unsubscriber?.scid === 'carol', 'unsubscriber');
    assert.equal(out.hook.userList.get('carol').online, false);

    // Unmounting leaves the topic and closes the provider's client.
    const dave = await h.connect(sockd, 'dave');
    await dave.subscribe(topic);
    await TestRenderer.act(async () => { renderer.unmount(); });
    const leave = await dave.next({ action: A.UNSUBSCRIBE_TOPIC, topic });
    assert.equal(leave.payload, `alice:${cid}`);
    assert.deepEqual(errors, []);
    await carol.close();
    await dave.close();
  });

test('useWebSocketSubscribe after an RST: recovered, no page-1 reload', T,
  async () => {
    const topic = h.uniqueTopic('chat');
    const sockets = [];
    class Kept extends WebSocket {
      constructor(url) { super(url); sockets.push(this); }
    }
    const out = { messages: [], renders: 0 };
    let renderer;
    await TestRenderer.act(async () => {
      renderer = TestRenderer.create(React.createElement(WebSocketProvider, {
        url: sockd.url,
        getToken: async () => h.userToken('alice'),
        WebSocket: Kept,
        backoff: { initialMs: 100, maxMs: 1000 },
      }, React.createElement(Probe, { topic, out })));
    });
    await until(() => out.hook.subscribed, 'joined');
    assert.equal(out.hook.recovered, false);
    const bob = await h.connect(sockd, 'bob');
    await bob.subscribe(topic);
    const store = async (m) => {
      bob.send({ action: A.TEXT, topic, payload: { m }, store: true, id: m });
      await bob.next(h.isAck(m));
    };
    await store('s1');
    await until(() => out.messages.some((f) => f.payload?.m === 's1'), 's1');
    sockets[0].terminate(); // RST
    await store('s2');
    await store('s3');
    await until(() => sockets.length === 2 && out.hook.subscribed
                && out.hook.recovered, 'recovered');
    await store('s4');
    await until(() => out.messages.some((f) => f.payload?.m === 's4'), 's4');
    // Each message once, live, in order: the replay came through the
    // callback and page 1 was not loaded again (no historical frames).
    const texts = out.messages.filter((f) => f.action === A.TEXT);
    assert.deepEqual(texts.map((f) => [f.payload.m, !!f.historical]),
                     [['s1', false], ['s2', false], ['s3', false],
                      ['s4', false]]);
    await TestRenderer.act(async () => renderer.unmount());
  });
