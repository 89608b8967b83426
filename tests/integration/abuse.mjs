// Shared pieces of the hostile-input tests (docs/security.md): the node's
// resident memory, and a bystander pair of clients that keeps chatting on
// the node while an abuser works, so every abuse test can show that other
// users are still served and how long their messages took.
import fs from 'node:fs';

import * as h from './harness.mjs';

/// Resident memory of a process in bytes (VmRSS of /proc/<pid>/status).
export function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/// True while the process exists and is not a zombie.
export function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/// Two clients on `topic` (allowed for subs `by-a`/`by-b` by the caller):
/// `start()` makes `a` send one message every `intervalMs` and `b` wait for
/// each; `stop()` resolves with `{ sent, delivered, latencies }` (ms per
/// delivered message). Each message is awaited before the next is sent,
/// so the count is exact and bounded by the time the abuse lasts.
export async function bystander(sockd, topic, { intervalMs = 50 } = {}) {
  const [a, b] = await h.joined(sockd, topic, 'by-a', 'by-b');
  let running = false;
  const stats = { sent: 0, delivered: 0, latencies: [] };
  let loop;
  return {
    a,
    b,
    start() {
      running = true;
      loop = (async () => {
        while (running) {
          const n = stats.sent++;
          const t0 = performance.now();
          a.send({ action: 12, topic, payload: { n } });
          await b.next((f) => f.topic === topic && f.payload
                              && f.payload.n === n, 5000);
          stats.delivered += 1;
          stats.latencies.push(performance.now() - t0);
          await h.sleep(intervalMs); // pacing, not waiting for an event
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
      return stats;
    },
  };
}

/// p50 and max of a list of numbers (ms), rounded to 0.1.
export function summary(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q) => sorted[Math.min(sorted.length - 1,
                                    Math.floor(q * sorted.length))];
  const r = (x) => Math.round(x * 10) / 10;
  return { n: sorted.length, p50: r(at(0.5)), p99: r(at(0.99)),
           max: r(sorted[sorted.length - 1]) };
}
