// The real sockd binary (SOCKD_BIN): run to completion for option errors,
// or started on a free loopback port and awaited until it serves; its log
// can be awaited line by line.
import { spawn } from 'node:child_process';

import { SCHEMA, SECRET } from './constants.mjs';
import { liveChildren } from './exit.mjs';
import { request } from './http.mjs';
import { sqlString } from './postgres.mjs';
import { resolveTls } from './tls.mjs';
import { eventually, within } from './util.mjs';

const LISTENING_RE = /sockd listening on (\[[^\]]*\]|[^\s:]+):(\d+)/;
const ADMIN_LISTENING_RE = /sockd admin listening on (\[[^\]]*\]|[^\s:]+):(\d+)/;

// Every sockd a test starts gets its admin address on a free port unless
// the test names one: the default 127.0.0.1:8081 would collide between the
// processes tests run side by side.
function withAdminListen(argv) {
  return argv.some((a) => a.startsWith('--admin_listen'))
    ? argv : ['--admin_listen=127.0.0.1:0', ...argv];
}

function sockd_env(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('SOCKD_')) env[k] = v; // no outside configuration leaks in
  }
  return { ...env, ...extra };
}

function sockd_bin() {
  const bin = process.env.SOCKD_BIN;
  if (!bin) throw new Error('SOCKD_BIN is not set (path of the built sockd)');
  return bin;
}

/// Runs sockd to completion (for option errors and --help).
/// Returns `{code, signal, output}`.
export function runSockd(args, { env = {}, timeout = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(sockd_bin(), withAdminListen(args),
                        { stdio: ['ignore', 'pipe', 'pipe'], env: sockd_env(env) });
    liveChildren.add(child);
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sockd ${args.join(' ')} did not exit within `
                       + `${timeout} ms; output:\n${output}`));
    }, timeout);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      resolve({ code, signal, output });
    });
  });
}

/// Starts sockd on a free loopback port and waits for its listening line and,
/// unless `ready: false`, for `/readyz` to answer 200 (the schema exists).
/// `args` are extra `--name=value` options. `tls` (harness/tls.mjs): true
/// or `{cert, key, ca}` files for HTTPS/WSS, false for plain; by default
/// plain unless SOCKD_TEST_TLS=1. Under TLS `url` is https and `ca` the
/// certificate clients trust.
export async function startSockd({ databaseUrl, secret = SECRET,
                                   schema = SCHEMA, args = {}, env = {},
                                   ready = true, timeout = 20000,
                                   tls } = {}) {
  const argv = ['--listen=127.0.0.1:0'];
  const secure = resolveTls(tls);
  if (secure) args = { ...secure.args, ...args };
  if (databaseUrl !== undefined) argv.push(`--database_url=${databaseUrl}`);
  if (secret) argv.push(`--jwt_secret=${secret}`);
  if (schema) argv.push(`--schema=${schema}`);
  for (const [name, value] of Object.entries(args)) {
    argv.push(`--${name}=${value}`);
  }
  const child = spawn(sockd_bin(), withAdminListen(argv),
                      { stdio: ['ignore', 'pipe', 'pipe'], env: sockd_env(env) });
  liveChildren.add(child);
  let log = '';
  const log_listeners = new Set();
  const on_data = (d) => {
    log += d;
    for (const fn of log_listeners) fn();
  };
  child.stdout.on('data', on_data);
  child.stderr.on('data', on_data);
  let exit_info = null;
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      exit_info = { code, signal };
      liveChildren.delete(child);
      for (const fn of log_listeners) fn();
      resolve(exit_info);
    });
  });
  child.on('error', (err) => { log += `\nspawn error: ${err.message}\n`; });

  const wait_log = (re, ms, what) => new Promise((resolve, reject) => {
    const check = () => {
      const m = log.match(re);
      if (m) { done(); resolve(m); return; }
      if (exit_info) {
        done();
        reject(new Error(`sockd exited (${exit_info.code ?? exit_info.signal})`
                         + ` before ${what}; log:\n${log}`));
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timeout after ${ms} ms waiting for ${what}; `
                       + `sockd log:\n${log}`));
    }, ms);
    const done = () => { clearTimeout(timer); log_listeners.delete(check); };
    log_listeners.add(check);
    check();
  });

  let port;
  let adminPort = null;
  try {
    const m = await wait_log(LISTENING_RE, timeout, '"sockd listening on"');
    port = Number(m[2]);
    // The admin line follows the listening line at once (net/server.cpp);
    // without an admin address (admin_listen empty) there is none.
    if (args.admin_listen !== '') {
      const a = await wait_log(ADMIN_LISTENING_RE, timeout,
                               '"sockd admin listening on"');
      adminPort = Number(a[2]);
    }
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  const sockd = {
    port,
    secret,
    schema,
    url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`,
    /// The admin address's port and URL (plain HTTP); null when off.
    adminPort,
    adminUrl: adminPort === null ? null : `http://127.0.0.1:${adminPort}`,
    ca: secure ? secure.ca : undefined,
    process: child,
    log: () => log,
    /// Resolves with the match once the log contains `re`.
    waitForLog: (re, ms = 5000) => wait_log(re, ms, `log line ${re}`),
    get exited() { return exit_info; },
    /// Sends `signal` and resolves with the exit code (null if killed by a
    /// signal); SIGKILLs and throws if sockd does not exit within `ms`.
    async stop(signal = 'SIGTERM', ms = 15000) {
      if (!exit_info) child.kill(signal);
      try {
        const info = await within(exited, ms, `sockd exit after ${signal}`);
        return info.code;
      } catch (err) {
        child.kill('SIGKILL');
        await exited;
        err.message += `; log:\n${log}`;
        throw err;
      }
    },
    kill() {
      if (!exit_info) child.kill('SIGKILL');
      return exited;
    },
  };
  if (ready) {
    try {
      await waitReady(sockd, { timeout });
    } catch (err) {
      child.kill('SIGKILL');
      err.message += `; sockd log:\n${log}`;
      throw err;
    }
  }
  return sockd;
}

/// Polls `/readyz` until it answers `status` (200 by default).
export async function waitReady(sockd, { status = 200, timeout = 20000 } = {}) {
  return eventually(async () => {
    const res = await request(sockd, { path: '/readyz', timeout: 3000 });
    return res.status === status;
  }, { timeout, interval: 100, what: `/readyz ${status}` });
}

/// Adds allowance rows `[sub, pattern]` to sockd's topic_allowances.
export async function allow(pg, rows, schema = SCHEMA) {
  const values = rows.map(([sub, pattern]) =>
    `(${sqlString(sub)}, ${sqlString(pattern)})`).join(', ');
  await pg.psql(`INSERT INTO ${schema}.topic_allowances(user_sub, topic_pattern)`
                + ` VALUES ${values}`);
}
