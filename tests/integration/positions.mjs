// Helpers of the recovery tests (recovery.test.mjs, recovery_cluster.test.mjs):
// publishing numbered relays and a SUBSCRIBE with recover/since.
import assert from 'node:assert/strict';

import * as h from './harness.mjs';

/// Sends `n` relays from `c` numbered from `first`, every other one stored
/// (with an id, answered by an ACK), and waits for c's own echo of each
/// (and, with `acks`, for the ACK of each stored one).
export async function publish(c, topic, first, n, { acks = false } = {}) {
  for (let m = first; m < first + n; ++m) {
    const frame = { action: 12, topic, payload: { m } };
    if (m % 2 === 0) Object.assign(frame, { store: true, id: `m${m}` });
    c.send(frame);
  }
  const echoes = await c.nextN((f) => f && f.topic === topic
    && f.action === 12, n, 20000);
  assert.deepEqual(echoes.map((f) => f.payload.m),
                   Array.from({ length: n }, (_, i) => first + i));
  if (acks) {
    for (let m = first; m < first + n; ++m) {
      if (m % 2 === 0) await c.next(h.isAck(`m${m}`), 20000);
    }
  }
  return echoes;
}

/// SUBSCRIBE with `extra`; the frames of `topic` up to and including the
/// action 8 answer (or an ERROR).
export async function subscribeWith(c, topic, extra) {
  c.send({ action: 8, topic, ...extra });
  const got = [];
  for (;;) {
    const f = await c.next((x) => x && x.topic === topic, 10000);
    got.push(f);
    if (f.action === 8 || f.action === 'ERROR') return got;
  }
}
