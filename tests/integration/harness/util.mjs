// Small utilities of the harness: bounded waits and a free loopback port.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/// Waits until `fn()` returns a truthy value (or resolves to one), retrying
/// every `interval` ms; throws the last failure after `timeout` ms. Used only
/// for server-side state a client cannot observe as an event (a row written
/// asynchronously, a slot released after a close).
export async function eventually(fn, { timeout = 5000, interval = 100,
                                       what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = new Error(`${what}: still false`);
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const err = new Error(`${what} not reached within ${timeout} ms: `
                            + `${last && last.message}`);
      err.cause = last;
      throw err;
    }
    await sleep(interval);
  }
}

/// Rejects with a descriptive error when `promise` does not settle in time.
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)),
                       ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/// A loopback port nobody listens on right now.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
