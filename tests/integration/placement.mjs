// Rendezvous placement as cluster/placement.cpp computes it, for tests that
// need a topic owned by a given node (cluster.test.mjs checks it against
// the C++ figures).
import { uniqueTopic } from './harness.mjs';

const MASK = (1n << 64n) - 1n;

export function weight(key, node) {
  let h64 = 0xcbf29ce484222325n;
  const bytes = Buffer.concat([Buffer.from(node), Buffer.from([0]),
                               Buffer.from(key)]);
  for (const b of bytes) {
    h64 ^= BigInt(b);
    h64 = (h64 * 0x100000001b3n) & MASK;
  }
  let x = h64;
  x ^= x >> 30n;
  x = (x * 0xbf58476d1ce4e5b9n) & MASK;
  x ^= x >> 27n;
  x = (x * 0x94d049bb133111ebn) & MASK;
  x ^= x >> 31n;
  return x;
}

export function ownerOf(key, names) {
  let best;
  let bestWeight = -1n;
  for (const name of names) {
    const w = weight(key, name);
    if (w > bestWeight || (w === bestWeight && name < best)) {
      best = name;
      bestWeight = w;
    }
  }
  return best;
}

/// A fresh chat topic that `owner` owns among `names`.
export function topicOwnedBy(owner, names) {
  for (let i = 0; i < 1000; ++i) {
    const topic = uniqueTopic('chat');
    if (ownerOf(topic, names) === owner) return topic;
  }
  throw new Error(`no topic for ${owner}`);
}
