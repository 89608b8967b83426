// What the storage tests share: their server, a predicate for a live (not
// replayed) relay, and storing one message and waiting for its echo and ACK.
import * as h from './harness.mjs';

/// The storage tests' server (h.useServer): the rate limit lifted (they
/// store bursts), alice, bob and carol allowed in chat:*, plus `allowances`;
/// `beforeStart(pg)` as in h.useServer.
export function useStorageServer({ allowances = [], beforeStart } = {}) {
  return h.useServer({
    args: { messages_per_second: 100000, messages_burst: 100000 },
    allowances: [['alice', 'chat:*'], ['bob', 'chat:*'], ['carol', 'chat:*'],
                 ...allowances],
    beforeStart,
  });
}

/// A live relay of the message `m` on `topic` (not a replay, not a reply).
export const relay = (topic, m) => {
  const fn = (f) => f && f.topic === topic && f.payload
    && typeof f.payload === 'object' && f.payload.m === m && !f.historical
    && f.action !== 'ERROR' && f.action !== 'ACK';
  fn.label = `live ${m} on ${topic}`;
  return fn;
};

/// Stores one message (id = m) and waits for its echo and ACK; returns the
/// frame as broadcast. With `acked`, records [topic, m] there once ACKed.
export async function store(c, topic, m, action = 12, acked = undefined) {
  c.send({ action, topic, payload: { m, text: `message ${m}` }, store: true,
           id: m });
  const live = await c.next(relay(topic, m));
  await c.next(h.isAck(m));
  if (acked) acked.push([topic, m]);
  return live;
}
