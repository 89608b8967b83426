// What the client's test files share: a WebSocket that records both
// directions, clients closed after each test, and waits on a topic's frames.
// Not a test file itself (package.json runs test/*.test.mjs).
import WebSocket from 'ws';

import * as h from '../../../tests/integration/harness.mjs';
import { createSockdClient, SocketActions as A } from '../src/sockd-client.mjs';

const clients = new Set();

/// Keeps `c` for closeClients().
export function track(c) {
  clients.add(c);
  return c;
}

/// Closes every client made or tracked since the last call (afterEach).
export function closeClients() {
  for (const c of clients) c.close();
  clients.clear();
  h.closeAllClients();
}

/// A WebSocket class that records what the client sends and receives.
/// `sentN(pred, n)` resolves once `n` frames the client sent match `pred`;
/// `written()` once all it sent so far has been handed to the kernel.
export function spySocket() {
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
export function makeClient(server, sub, extra = {}) {
  const c = createSockdClient({
    url: server.url,
    getToken: async () => h.userToken(sub),
    WebSocket: extra.WebSocket ?? WebSocket,
    backoff: { initialMs: 100, maxMs: 1000 },
    requestTimeoutMs: 5000,
    ...extra,
  });
  return track(c);
}

/// Resolves with the first frame a listener of `topic` gets that `pred`
/// accepts; the listener is removed afterwards only if `own` says so.
export function nextOn(client, topic, pred, ms = 5000) {
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
export function collect(client, topic) {
  const frames = [];
  const stop = client.subscribe(topic, (f) => { frames.push(f); });
  return { frames, stop };
}

export const isText = (m) => (f) => f.action === A.TEXT && f.payload?.m === m;
export const isKeepalive = (word) => (f) => f.payload === word && f.action === undefined;
