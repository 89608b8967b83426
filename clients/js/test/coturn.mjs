// A throwaway coturn (Debian's `coturn` package) for the browser tests:
// loopback only, TURN REST credentials (use-auth-secret), no TLS, its
// files in a temp dir, stopped by PID. Its log (verbose, on stdout) is
// what the tests read to see the relay at work.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { liveChildren } from '../../../tests/integration/harness/exit.mjs';
import { freePort, within } from '../../../tests/integration/harness/util.mjs';

const TURNSERVER = process.env.TURNSERVER_PATH || '/usr/bin/turnserver';

/**
 * Starts coturn with `secret` as its static-auth-secret; resolves once it
 * listens on UDP. The secret goes in a config file, not on the command
 * line, as an operator would do.
 */
export async function startCoturn({ secret, realm = 'sockd.test',
                                    timeout = 10000 } = {}) {
  if (!fs.existsSync(TURNSERVER)) {
    throw new Error(`${TURNSERVER} not found: apt-get install -y coturn `
                    + '(or set TURNSERVER_PATH)');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-coturn-'));
  const port = await freePort();
  const conf = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(conf, [
    'listening-ip=127.0.0.1', 'relay-ip=127.0.0.1', `listening-port=${port}`,
    'use-auth-secret', `static-auth-secret=${secret}`, `realm=${realm}`,
    'no-tls', 'no-dtls', 'no-cli', 'no-software-attribute',
    // Both ends of a test call are relay candidates on 127.0.0.1: the
    // relay must accept loopback peers (never do this in production).
    'allow-loopback-peers',
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    `userdb=${path.join(dir, 'turndb')}`,
    'log-file=stdout', 'simple-log', 'verbose', '',
  ].join('\n'), { mode: 0o600 });
  const child = spawn(TURNSERVER, ['-c', conf],
                      { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  liveChildren.add(child);
  let log = '';
  const listeners = new Set();
  const on_data = (d) => {
    log += d;
    for (const fn of [...listeners]) fn();
  };
  child.stdout.on('data', on_data);
  child.stderr.on('data', on_data);
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      liveChildren.delete(child);
      child.exitInfo = { code, signal };
      for (const fn of [...listeners]) fn();
      resolve(child.exitInfo);
    });
  });

  /// Resolves with `test(log)` once it is truthy; rejects after `ms`.
  const waitFor = (test, ms, what) => new Promise((resolve, reject) => {
    const check = () => {
      const v = test(log);
      if (v) { done(); resolve(v); return; }
      if (child.exitInfo) {
        done();
        reject(new Error(`coturn exited before ${what}; log:\n${log}`));
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timeout after ${ms} ms waiting for ${what}; `
                       + `coturn log:\n${log.slice(-4000)}`));
    }, ms);
    const done = () => { clearTimeout(timer); listeners.delete(check); };
    listeners.add(check);
    check();
  });

  const turn = {
    port,
    realm,
    uri: `turn:127.0.0.1:${port}?transport=udp`,
    pid: child.pid,
    log: () => log,
    waitFor: (test, ms = 15000, what = 'a coturn log line') =>
      waitFor(test, ms, what),
    async stop() {
      if (!child.exitInfo) process.kill(child.pid, 'SIGTERM');
      try {
        await within(exited, 5000, 'coturn exit after SIGTERM');
      } catch {
        if (!child.exitInfo) process.kill(child.pid, 'SIGKILL');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor((l) => l.includes(`UDP listener opened on: 127.0.0.1:${port}`),
                  timeout, 'the UDP listener');
  } catch (err) {
    await turn.stop();
    throw err;
  }
  return turn;
}

/**
 * The TURN sessions (allocations) in coturn's log for users `<expiry>:<sub>`,
 * each with whether it was deleted and, once it was, the bytes its peer
 * side sent (`peer usage: ... sb=`): media that went through the relay.
 */
export function sessionsOf(log, sub) {
  const sessions = new Map();
  const user = `<\\d+:${sub}>`;
  for (const m of log.matchAll(new RegExp(
    `session (\\d+): new, realm=<[^>]*>, username=${user}`, 'g')))
    sessions.set(m[1], { deleted: false, peerSentBytes: 0 });
  for (const m of log.matchAll(new RegExp(
    `session (\\d+): peer usage: realm=<[^>]*>, username=${user}, `
    + 'rp=\\d+, rb=\\d+, sp=\\d+, sb=(\\d+)', 'g'))) {
    const s = sessions.get(m[1]);
    if (s) s.peerSentBytes = Number(m[2]); // cumulative: the last counts
  }
  for (const m of log.matchAll(new RegExp(
    `session (\\d+): delete: realm=<[^>]*>, username=${user}`, 'g'))) {
    const s = sessions.get(m[1]);
    if (s) s.deleted = true;
  }
  return [...sessions.values()];
}
