// What the harness started and has not yet stopped, torn down synchronously
// when the process exits before the tests' own `after` hooks ran (a crash,
// a timeout of the test runner, an interrupt), so a failing test never
// leaves a server behind.
import os from 'node:os';

/// Child processes (sockd): SIGKILLed at exit.
export const liveChildren = new Set();

/// PostgreSQL clusters: each entry's `stopNow()` stops and removes it
/// without waiting on the event loop.
export const liveClusters = new Set();

// A runner that is interrupted still tears everything down.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
}

// sockd first, so that no server is left talking to a vanishing database.
process.on('exit', () => {
  for (const child of liveChildren) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const cluster of liveClusters) cluster.stopNow();
});
