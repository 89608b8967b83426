// client.iceServers() and the React layer's useIceServers() against the
// real sockd: GET /turn with the login token, the answer checked against
// coturn's REST formula (HMAC-SHA1 of the username under the shared secret),
// and the errors a caller sees (no token, a bad token, TURN switched off).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';

import React from 'react';
import TestRenderer from 'react-test-renderer';
import WebSocket from 'ws';

import * as h from '../../../tests/integration/harness.mjs';
import { WebSocketContext, WebSocketProvider, useIceServers }
  from '../src/react.mjs';
import { createSockdClient, SockdError } from '../src/sockd-client.mjs';

globalThis.IS_REACT_ACT_ENVIRONMENT = false;

const T = { timeout: 60000 };
const TURN_SECRET = crypto.randomBytes(24).toString('hex');
const URIS = ['turn:127.0.0.1:3478?transport=udp', 'stun:127.0.0.1:3478'];
let pg;
let sockd;    // with turn_secret
let plain;    // without: GET /turn answers 404
const clients = new Set();

before(async () => {
  pg = await h.startPostgres();
  sockd = await h.startSockd({
    databaseUrl: pg.url,
    args: { turn_secret: TURN_SECRET, turn_uris: URIS.join(','),
            turn_ttl: 600 },
  });
  plain = await h.startSockd({ databaseUrl: pg.url });
});

after(async () => {
  for (const c of clients) c.close();
  for (const s of [sockd, plain]) {
    if (s) await s.stop().catch(() => s.kill());
  }
  if (pg) await pg.cleanup();
});

// Never connects: iceServers() needs no socket.
function client(server, getToken, extra = {}) {
  const c = createSockdClient({
    url: server.url, getToken, WebSocket, autoConnect: false, ...extra,
  });
  clients.add(c);
  return c;
}

function expectedCredential(username) {
  return crypto.createHmac('sha1', TURN_SECRET).update(username)
    .digest('base64');
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

test('iceServers(): a fresh coturn REST credential for the user', T,
  async () => {
    const before_s = h.nowSeconds();
    const servers = await client(sockd, async () => h.userToken('alice'))
      .iceServers();
    const after_s = h.nowSeconds();
    assert.equal(servers.length, 1);
    const [s] = servers;
    assert.deepEqual(Object.keys(s).sort(), ['credential', 'urls', 'username']);
    assert.deepEqual(s.urls, URIS);
    const m = /^(\d+):alice$/.exec(s.username);
    assert.ok(m, s.username);
    const expiry = Number(m[1]);
    assert.ok(expiry >= before_s + 600 && expiry <= after_s + 600,
              `${expiry} not in [${before_s + 600}, ${after_s + 600}]`);
    assert.equal(s.credential, expectedCredential(s.username));
  });

test('iceServers() takes turnPath and fetches through the Awayto alias', T,
  async () => {
    const seen = [];
    const spy = (url, init) => {
      seen.push([url, init.headers.Authorization]);
      return fetch(url, init);
    };
    const token = h.userToken('bob:with:colons');
    const [s] = await client(sockd, () => token,
                             { turnPath: '/api/v1/turn', fetch: spy })
      .iceServers();
    assert.deepEqual(seen, [[`${sockd.url}/api/v1/turn`, `Bearer ${token}`]]);
    // coturn reads the expiry up to the first ':' only.
    assert.match(s.username, /^\d+:bob:with:colons$/);
    assert.equal(s.credential, expectedCredential(s.username));
  });

test('iceServers() errors: no token, a refused token, TURN off', T,
  async () => {
    let e = await rejection(client(sockd, () => '').iceServers());
    assert.ok(e instanceof SockdError);
    assert.equal(e.code, 'no_token');

    e = await rejection(client(sockd, () => h.userToken('alice', 'x'.repeat(40)))
      .iceServers());
    assert.equal(e.code, 'unauthorized');
    assert.equal(e.status, 401);
    assert.equal(e.message,
                 'GET /turn answered 401: bad signature');

    e = await rejection(client(plain, () => h.userToken('alice')).iceServers());
    assert.equal(e.code, 'not_found');
    assert.equal(e.status, 404);
    assert.equal(e.message, 'GET /turn answered 404: TURN credentials are '
                 + 'off: turn_secret is not set');
  });

test('useIceServers(): the provider\'s client fetches, outside it rejects', T,
  async () => {
    const out = {};
    function Probe() {
      out.get = useIceServers();
      out.connected = React.useContext(WebSocketContext).connected;
      return null;
    }
    let renderer;
    await TestRenderer.act(async () => {
      renderer = TestRenderer.create(React.createElement(WebSocketProvider, {
        url: sockd.url,
        getToken: async () => h.userToken('carol'),
        WebSocket,
      }, React.createElement(Probe)));
    });
    try {
      const [s] = await out.get();
      assert.match(s.username, /^\d+:carol$/);
      assert.equal(s.credential, expectedCredential(s.username));
      assert.deepEqual(s.urls, URIS);
      // Unmount once open: ws throws when a socket still connecting closes.
      await h.eventually(() => out.connected, { timeout: 8000,
                                                what: 'provider connected' });
    } finally {
      await TestRenderer.act(async () => renderer.unmount());
    }

    await TestRenderer.act(async () => {
      renderer = TestRenderer.create(React.createElement(Probe));
    });
    const e = await rejection(out.get());
    assert.equal(e.code, 'no_client');
    await TestRenderer.act(async () => renderer.unmount());
  });
