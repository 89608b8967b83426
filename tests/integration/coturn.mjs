// Debian's coturn for the tests (tests/integration/turn.test.mjs and the
// browser call, clients/js/test/call.test.mjs): `turnserver` on loopback
// ports with the TURN REST API (use-auth-secret), no TLS, its config file
// (the secret is not on a command line), pid file, user db and a copy of
// its log in a temp dir; coturn's own client, `turnutils_uclient`, to
// allocate relays with a username and credential; and what its log says
// about a user's sessions.
//
// coturn is ready when it logs that its UDP and TCP listeners on the chosen
// port are open (it logs them with -v); every wait is bounded, and the
// server is stopped by its PID (harness/exit.mjs also kills it if the test
// process dies first).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { liveChildren } from './harness/exit.mjs';
import { freePort, within } from './harness/util.mjs';

export const REALM = 'sockd.test';

// Relay ports: a random block of 100 below Linux's ephemeral range
// (32768-60999), so two coturns (or two test files) rarely share one;
// coturn skips a port that is taken anyway.
function relay_range() {
  const min = 20000 + 100 * Math.floor(Math.random() * 120);
  return { min, max: min + 99 };
}

/// Starts turnserver with `secret` as static-auth-secret. Resolves with
/// `{port, uri, dir, pid, log(), waitFor(test, ms, what), waitForLog(re, ms),
/// stop()}` once its listeners are open.
export async function startCoturn({ secret, timeout = 10000 } = {}) {
  if (!secret) throw new Error('startCoturn: secret is required');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-coturn-'));
  const port = await freePort();
  const relay = relay_range();
  const conf = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(conf, [
    'listening-ip=127.0.0.1', 'relay-ip=127.0.0.1', `listening-port=${port}`,
    `min-port=${relay.min}`, `max-port=${relay.max}`,
    'use-auth-secret', `static-auth-secret=${secret}`, `realm=${REALM}`,
    'no-tls', 'no-dtls', 'no-cli', 'no-rfc5780', 'no-software-attribute',
    // The tests' peers (and both ends of a browser call) are relay
    // candidates on 127.0.0.1; never in production.
    'allow-loopback-peers',
    // verbose: sessions and allocations, which the tests read.
    'verbose', 'log-file=stdout', 'simple-log',
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    `userdb=${path.join(dir, 'turndb')}`, '',
  ].join('\n'), { mode: 0o600 });
  const child = spawn('turnserver', ['-c', conf],
                      { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  liveChildren.add(child);
  const log_file = fs.createWriteStream(path.join(dir, 'turnserver.log'));
  let log = '';
  const listeners = new Set();
  let exit_info = null;
  const on_data = (d) => {
    log += d;
    log_file.write(d);
    for (const fn of listeners) fn();
  };
  child.stdout.on('data', on_data);
  child.stderr.on('data', on_data);
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      exit_info = { code, signal };
      liveChildren.delete(child);
      log_file.end();
      for (const fn of listeners) fn();
      resolve(exit_info);
    });
  });
  child.on('error', (err) => { on_data(`\nspawn error: ${err.message}\n`); });

  /// Resolves with `test(log)` once it is truthy; rejects after `ms` or
  /// when coturn exits first.
  const waitFor = (test, ms = 5000, what = 'a coturn log line') =>
    new Promise((resolve, reject) => {
      const check = () => {
        const v = test(log);
        if (v) { done(); resolve(v); return; }
        if (exit_info) {
          done();
          reject(new Error(`turnserver exited (${exit_info.code ?? exit_info.signal})`
                           + ` before ${what}; log:\n${log}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timeout after ${ms} ms waiting for ${what}; `
                         + `turnserver log:\n${log.slice(-4000)}`));
      }, ms);
      const done = () => { clearTimeout(timer); listeners.delete(check); };
      listeners.add(check);
      check();
    });
  const waitForLog = (re, ms = 5000) => waitFor((l) => l.match(re), ms, `${re}`);

  const stop = async () => {
    if (!exit_info) child.kill('SIGTERM');
    try {
      await within(exited, 5000, 'turnserver exit after SIGTERM');
    } catch {
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const at = `127\\.0\\.0\\.1:${port}\\b`;
    await waitForLog(new RegExp(`UDP listener opened on: ?${at}`), timeout);
    await waitForLog(new RegExp(`TCP listener opened on ?: ?${at}`), timeout);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    uri: `turn:127.0.0.1:${port}`,
    dir,
    pid: child.pid,
    log: () => log,
    waitFor,
    waitForLog,
    stop,
  };
}

/// Runs turnutils_uclient against the coturn on `port`: one client pair
/// (-y: client to client through two relays, -c: no RTCP allocations)
/// sending `messages` packets to each other. Resolves `{code, output}`.
export function uclient({ port, username, credential, messages = 2,
                          timeout = 30000 }) {
  const args = ['-y', '-c', '-e', '127.0.0.1', '-X', '-m', '1',
                '-n', String(messages), '-p', String(port),
                '-u', username, '-w', credential, '127.0.0.1'];
  return new Promise((resolve, reject) => {
    const child = spawn('turnutils_uclient', args,
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(child);
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`turnutils_uclient did not exit within ${timeout} ms;`
                       + ` output:\n${output}`));
    }, timeout);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      resolve({ code, signal, output });
    });
  });
}

/**
 * The TURN sessions (allocations) in coturn's log for users `<expiry>:<sub>`,
 * each with whether it was deleted, whether a channel was bound on it (it
 * carried media) and, once deleted, the bytes its peer side sent
 * (`peer usage: ... sb=`): media that went through the relay.
 */
export function sessionsOf(log, sub) {
  const sessions = new Map();
  const user = `<\\d+:${sub}>`;
  for (const m of log.matchAll(new RegExp(
    `session (\\d+): new, realm=<[^>]*>, username=${user}`, 'g')))
    sessions.set(m[1], { deleted: false, bound: false, peerSentBytes: 0 });
  for (const m of log.matchAll(new RegExp(
    `session (\\d+): realm <[^>]*> user ${user}: incoming packet `
    + 'CHANNEL_BIND processed, success', 'g'))) {
    const s = sessions.get(m[1]);
    if (s) s.bound = true; // the allocation carried a call's media
  }
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
