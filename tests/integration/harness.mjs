// Shared machinery of the integration tests: a throwaway PostgreSQL cluster,
// the real sockd binary, JWT minting, tickets over HTTP and a WebSocket
// client whose frames can be awaited one predicate at a time.
//
// Every wait has a timeout, and everything started here is also torn down on
// process exit, so a failing test never leaves a server behind.
import { execFile, execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import WebSocket from 'ws';

export { sleep };

export const SECRET = 'integration-test-secret-0123456789abcdef';
export const SCHEMA = 'itest';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const UUID_RE = new RegExp(`^${UUID}$`, 'i');
export const TICKET_RE = new RegExp(`^${UUID}:${UUID}$`, 'i');
export const ISO_MS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

// Things to tear down synchronously if the process exits before the tests'
// own `after` hooks ran (a crash or a timeout of the test runner).
const live_clusters = new Set();
const live_children = new Set();
const live_clients = new Set();

// A runner that is interrupted still tears everything down.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
}

process.on('exit', () => {
  for (const child of live_children) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const cluster of live_clusters) {
    try {
      execFileSync(...as_postgres(pg_bin('pg_ctl'),
        ['-D', cluster.data, '-m', 'immediate', 'stop']),
        { stdio: 'ignore', timeout: 10000, cwd: cluster.dir });
    } catch { /* not running */ }
    try { fs.rmSync(cluster.dir, { recursive: true, force: true }); }
    catch { /* best effort */ }
  }
});

// ---------------------------------------------------------------------------
// Small utilities

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

function run(cmd, args, { cwd, timeout = 60000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd, timeout, encoding: 'utf8',
                                        maxBuffer: 16 * 1024 * 1024,
                                        env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (err) {
          err.message = `${cmd} ${args.join(' ')} failed: ${err.message}\n`
                        + `${stdout}${stderr}`;
          reject(err);
        } else {
          resolve({ stdout, stderr });
        }
      });
    if (input !== undefined) child.stdin.end(input);
  });
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

// ---------------------------------------------------------------------------
// PostgreSQL

let bindir_cache;
function pg_bindir() {
  if (bindir_cache !== undefined) return bindir_cache;
  const candidates = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'],
                                 { encoding: 'utf8' }).trim());
  } catch { /* no pg_config */ }
  candidates.push('/usr/lib/postgresql/15/bin');
  bindir_cache = candidates.find(
    (dir) => dir && fs.existsSync(path.join(dir, 'initdb'))) || '';
  return bindir_cache;
}

function pg_bin(name) {
  const dir = pg_bindir();
  return dir ? path.join(dir, name) : name;
}

/// PostgreSQL refuses to run as root: as root, run its tools as `postgres`.
function as_postgres(cmd, args) {
  return IS_ROOT ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
                 : [cmd, args];
}

function postgres_ids() {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  return { uid, gid };
}

/// Starts a throwaway cluster on a free loopback port. Returns
/// `{url, port, dir, psql(sql), stop(), start(), cleanup()}`.
export async function startPostgres() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-pg-'));
  const data = path.join(dir, 'data');
  const logfile = path.join(dir, 'postgres.log');
  const cluster = { dir, data };
  live_clusters.add(cluster);
  if (IS_ROOT) {
    const { uid, gid } = postgres_ids();
    fs.chownSync(dir, uid, gid);
  }
  fs.chmodSync(dir, 0o700);
  await run(...as_postgres(pg_bin('initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8',
     '--locale=C']), { cwd: dir });

  let port = 0;
  let running = false;
  const pg_ctl_start = () => run(...as_postgres(pg_bin('pg_ctl'),
    ['-w', '-t', '30', '-D', data, '-l', logfile, '-o',
     `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`,
     'start']), { cwd: dir });

  // The free port may be taken between probing and binding: try again.
  for (let attempt = 1; ; ++attempt) {
    port = await freePort();
    try {
      await pg_ctl_start();
      break;
    } catch (err) {
      if (attempt >= 3) {
        let log = '';
        try { log = fs.readFileSync(logfile, 'utf8'); } catch { /* none */ }
        err.message += `\npostgres.log:\n${log}`;
        throw err;
      }
    }
  }
  running = true;

  const pg = {
    port,
    dir,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    get running() { return running; },
    /// Runs SQL with `psql -At`; returns stdout without the final newline.
    async psql(sql) {
      const { stdout } = await run(pg_bin('psql'),
        ['-X', '-At', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1',
         '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql],
        { cwd: dir, timeout: 20000 });
      return stdout.replace(/\n$/, '');
    },
    async stop() {
      if (!running) return;
      await run(...as_postgres(pg_bin('pg_ctl'),
        ['-w', '-t', '30', '-D', data, '-m', 'fast', 'stop']), { cwd: dir });
      running = false;
    },
    async start() {
      if (running) return;
      await pg_ctl_start();
      running = true;
    },
    async cleanup() {
      try { await pg.stop(); } catch { /* best effort */ }
      fs.rmSync(dir, { recursive: true, force: true });
      live_clusters.delete(cluster);
    },
  };
  return pg;
}

/// Quotes a string as an SQL literal.
export function sqlString(value) {
  return `'${String(value).replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------------------
// sockd

const LISTENING_RE = /sockd listening on (\[[^\]]*\]|[^\s:]+):(\d+)/;

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
    const child = spawn(sockd_bin(), args,
                        { stdio: ['ignore', 'pipe', 'pipe'], env: sockd_env(env) });
    live_children.add(child);
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
      live_children.delete(child);
      resolve({ code, signal, output });
    });
  });
}

/// Starts sockd on a free loopback port and waits for its listening line and,
/// unless `ready: false`, for `/readyz` to answer 200 (the schema exists).
/// `args` are extra `--name=value` options.
export async function startSockd({ databaseUrl, secret = SECRET,
                                   schema = SCHEMA, args = {}, env = {},
                                   ready = true, timeout = 20000 } = {}) {
  const argv = ['--listen=127.0.0.1:0'];
  if (databaseUrl !== undefined) argv.push(`--database_url=${databaseUrl}`);
  if (secret) argv.push(`--jwt_secret=${secret}`);
  if (schema) argv.push(`--schema=${schema}`);
  for (const [name, value] of Object.entries(args)) {
    argv.push(`--${name}=${value}`);
  }
  const child = spawn(sockd_bin(), argv,
                      { stdio: ['ignore', 'pipe', 'pipe'], env: sockd_env(env) });
  live_children.add(child);
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
      live_children.delete(child);
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
  try {
    const m = await wait_log(LISTENING_RE, timeout, '"sockd listening on"');
    port = Number(m[2]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  const sockd = {
    port,
    secret,
    schema,
    url: `http://127.0.0.1:${port}`,
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

// ---------------------------------------------------------------------------
// JWT

function b64url(value) {
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(
    typeof value === 'string' ? value : JSON.stringify(value));
  return buf.toString('base64url');
}

const HMAC_HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/// An HMAC-signed JWT (HS256 unless `alg` says HS384/HS512).
export function hs256Token(secret, claims, { alg = 'HS256', header = {} } = {}) {
  const head = b64url({ alg, typ: 'JWT', ...header });
  const body = b64url(claims);
  const sig = crypto.createHmac(HMAC_HASH[alg], secret)
    .update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(sig)}`;
}

/// A JWT with `alg: none` and an empty signature.
export function noneToken(claims) {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}

/// An RSA key pair: `{publicKeyPem, privateKey}`.
export function rsaKeyPair() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa',
    { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
    privateKey,
  };
}

/// An RS256 JWT signed with `privateKey`.
export function rs256Token(privateKey, claims, { header = {} } = {}) {
  const head = b64url({ alg: 'RS256', typ: 'JWT', ...header });
  const body = b64url(claims);
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), privateKey);
  return `${head}.${body}.${b64url(sig)}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/// A valid HS256 token for `sub`, expiring in ten minutes.
export function userToken(sub, secret = SECRET, extra = {}) {
  return hs256Token(secret, { sub, exp: nowSeconds() + 600, ...extra });
}

// ---------------------------------------------------------------------------
// HTTP

function base_url(base) {
  return typeof base === 'string' ? base : base.url;
}

/// A plain HTTP request. Resolves `{status, headers, text, body}` where
/// `body` is the parsed JSON, or undefined when the text is not JSON.
export function request(base, { method = 'GET', path: p = '/', headers = {},
                                body, timeout = 10000 } = {}) {
  const url = new URL(p, base_url(base));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, body: json });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeout, () => {
      req.destroy(new Error(`HTTP ${method} ${url} timed out after ${timeout} ms`));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body); else req.end();
  });
}

/// `GET /ticket` (or `path`) with `Authorization: Bearer <token>`;
/// `authorization` replaces the whole header value, `token: null` omits it.
export function getTicket(base, token, { path: p = '/ticket', origin,
                                          authorization, headers = {} } = {}) {
  const h = { ...headers };
  if (authorization !== undefined) h.Authorization = authorization;
  else if (token !== null && token !== undefined) h.Authorization = `Bearer ${token}`;
  if (origin !== undefined) h.Origin = origin;
  return request(base, { path: p, headers: h });
}

// ---------------------------------------------------------------------------
// WebSocket client

function to_predicate(pred) {
  if (typeof pred === 'function') return pred;
  if (pred === undefined) return () => true;
  return (frame) => subset(pred, frame);
}

function subset(pattern, value) {
  if (pattern === null || typeof pattern !== 'object') return pattern === value;
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([k, v]) => subset(v, value[k]));
}

function describe_pred(pred) {
  if (typeof pred === 'function') return pred.label || pred.toString();
  return JSON.stringify(pred);
}

function show(frames, limit = 3000) {
  const text = JSON.stringify(frames);
  return text.length > limit ? `${text.slice(0, limit)}...` : text;
}

/// A frame predicate: an ERROR frame with `code` (and `topic`, `id` if given).
export function isError(code, { topic, id } = {}) {
  const fn = (f) => f && f.action === 'ERROR' && f.payload
    && f.payload.code === code
    && (topic === undefined || f.topic === topic)
    && (id === undefined || f.payload.id === id);
  fn.label = `ERROR ${code}${topic ? ` on ${topic}` : ''}${id ? ` id ${id}` : ''}`;
  return fn;
}

/// A frame predicate: the ACK of client message `id`.
export function isAck(id) {
  const fn = (f) => f && f.action === 'ACK' && f.payload && f.payload.id === id;
  fn.label = `ACK ${id}`;
  return fn;
}

/// A frame predicate: any ERROR or ACK frame.
export function isReply(f) {
  return f && (f.action === 'ERROR' || f.action === 'ACK');
}

export class Client {
  constructor(ws, ticket) {
    this.ws = ws;
    this.ticket = ticket;
    this.cid = ticket ? String(ticket).split(':')[1] : undefined;
    this.frames = [];        // received, not yet taken by next()
    this.waiters = [];       // pending next() calls, oldest first
    this.watchers = new Set(); // pending none() windows
    this.answerPings = false;
    this.close_info = null;
    this.closed_promise = new Promise((resolve) => { this.resolve_closed = resolve; });
    ws.on('message', (data, isBinary) => this.on_frame(data, isBinary));
    ws.on('close', (code, reason) => this.on_close(code, reason));
    ws.on('error', (err) => { this.last_error = err; });
    live_clients.add(this);
  }

  on_frame(data, isBinary) {
    let frame;
    if (isBinary) {
      frame = Buffer.from(data);
    } else {
      const text = data.toString('utf8');
      try { frame = JSON.parse(text); } catch { frame = text; }
    }
    if (this.answerPings && frame && frame.payload === 'PING'
        && frame.action === undefined) {
      this.send({ payload: 'PONG' });
    }
    for (const w of this.watchers) {
      if (w.match(frame)) w.hit(frame);
    }
    const i = this.waiters.findIndex((w) => w.match(frame));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      clearTimeout(w.timer);
      w.resolve(frame);
      return;
    }
    this.frames.push(frame);
  }

  on_close(code, reason) {
    this.close_info = { code, reason: reason ? reason.toString() : '' };
    live_clients.delete(this);
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(`socket closed (${code} ${this.close_info.reason}) `
                         + `while waiting for ${w.what}; queued: `
                         + `${show(this.frames)}`));
    }
    this.resolve_closed(this.close_info);
  }

  get isOpen() { return this.ws.readyState === WebSocket.OPEN; }

  /// Resolves with the first received frame matching `pred` (a function or
  /// a pattern object matched as a subset). Earlier non-matching frames stay
  /// queued for later calls.
  next(pred, timeoutMs = 5000) {
    const match = to_predicate(pred);
    const what = describe_pred(pred);
    const i = this.frames.findIndex(match);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0]);
    if (this.close_info) {
      return Promise.reject(new Error(
        `socket already closed (${this.close_info.code}) waiting for ${what}; `
        + `queued: ${show(this.frames)}`));
    }
    return new Promise((resolve, reject) => {
      const w = { match, resolve, reject, what };
      w.timer = setTimeout(() => {
        const k = this.waiters.indexOf(w);
        if (k >= 0) this.waiters.splice(k, 1);
        reject(new Error(`timeout after ${timeoutMs} ms waiting for a frame `
                         + `matching ${what}; queued: ${show(this.frames)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /// The next `n` frames matching `pred`, in arrival order.
  async nextN(pred, n, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    const out = [];
    for (let i = 0; i < n; ++i) {
      const left = Math.max(1, deadline - Date.now());
      try {
        out.push(await this.next(pred, left));
      } catch (err) {
        err.message = `got ${i} of ${n} frames: ${err.message}`;
        throw err;
      }
    }
    return out;
  }

  /// Resolves after `ms` unless a frame matching `pred` is queued or arrives
  /// meanwhile, in which case it rejects. Use with small windows only.
  none(pred, ms = 300) {
    const match = to_predicate(pred);
    const what = describe_pred(pred);
    const queued = this.frames.find(match);
    if (queued !== undefined) {
      return Promise.reject(new Error(`unexpected frame matching ${what}: `
                                      + `${show(queued)}`));
    }
    return new Promise((resolve, reject) => {
      const w = { match };
      const timer = setTimeout(() => { this.watchers.delete(w); resolve(); }, ms);
      w.hit = (frame) => {
        clearTimeout(timer);
        this.watchers.delete(w);
        reject(new Error(`unexpected frame matching ${what}: ${show(frame)}`));
      };
      this.watchers.add(w);
    });
  }

  /// The queued (received, not yet taken) frames matching `pred`.
  queued(pred) {
    return this.frames.filter(to_predicate(pred));
  }

  /// Removes and returns the queued frames matching `pred`.
  take(pred) {
    const match = to_predicate(pred);
    const out = [];
    this.frames = this.frames.filter((f) => {
      if (match(f)) { out.push(f); return false; }
      return true;
    });
    return out;
  }

  /// Sends an object as JSON, or a string as it is.
  send(frame) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  sendBinary(buf) {
    this.ws.send(buf, { binary: true });
  }

  /// Sends a PING keepalive and waits for its PONG: everything the server
  /// sent this connection before the PONG is then in the queue.
  async roundTrip(timeoutMs = 5000) {
    this.send({ payload: 'PING' });
    return this.next((f) => f && f.payload === 'PONG' && f.action === undefined,
                     timeoutMs);
  }

  /// Joins `topic` and waits for its ack.
  async subscribe(topic, timeoutMs = 5000) {
    this.send({ action: 8, topic });
    const fn = (f) => f && (f.action === 8 || f.action === 'ERROR')
      && f.topic === topic;
    fn.label = `SUBSCRIBE ack of ${topic}`;
    const frame = await this.next(fn, timeoutMs);
    if (frame.action !== 8) {
      throw new Error(`SUBSCRIBE ${topic} refused: ${JSON.stringify(frame)}`);
    }
    return frame;
  }

  /// Resolves `{code, reason}` once the socket is closed.
  closed(timeoutMs = 10000) {
    return within(this.closed_promise, timeoutMs, 'socket close');
  }

  /// Starts a clean close and waits for it to complete.
  close(code = 1000, reason = '') {
    if (!this.close_info && this.ws.readyState !== WebSocket.CLOSING) {
      this.ws.close(code, reason);
    }
    return this.closed();
  }

  terminate() {
    if (!this.close_info) this.ws.terminate();
  }
}

/// Terminates every client still open (for `afterEach`).
export function closeAllClients() {
  for (const c of [...live_clients]) c.terminate();
}

/// One PostgreSQL and one sockd (started with `args`) for a whole test
/// file, `allowances` rows granted: started before the first test, clients
/// closed after each, both stopped after the last. Tests read
/// `server.sockd` and `server.pg` of the returned object.
export function useServer({ args = {}, allowances = [] } = {}) {
  const server = { pg: null, sockd: null };
  before(async () => {
    server.pg = await startPostgres();
    server.sockd = await startSockd({ databaseUrl: server.pg.url, args });
    if (allowances.length > 0) await allow(server.pg, allowances);
  });
  afterEach(() => closeAllClients());
  after(async () => {
    closeAllClients();
    if (server.sockd) {
      await server.sockd.stop().catch(() => server.sockd.kill());
    }
    if (server.pg) await server.pg.cleanup();
  });
  return server;
}

/// Upgrades `GET /sock?ticket=...`. Resolves with a Client, or rejects with
/// an error carrying `status`, `body` and `headers` of a refused upgrade.
/// `ticket: null` sends no ticket parameter.
export function openSocket(base, ticket, { origin, path: p = '/sock',
                                           autoPong = true, answerPings = false,
                                           headers, timeout = 10000 } = {}) {
  const url = new URL(base_url(base));
  url.protocol = 'ws:';
  const target = ticket === null ? `${url.origin}${p}`
                                 : `${url.origin}${p}?ticket=${ticket}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target, { origin, headers, autoPong,
                                       handshakeTimeout: timeout });
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      fn(value);
    };
    ws.on('unexpected-response', (req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let body;
        try { body = JSON.parse(text); } catch { body = undefined; }
        const err = new Error(`upgrade refused: HTTP ${res.statusCode} ${text}`);
        err.status = res.statusCode;
        err.body = body;
        err.text = text;
        err.headers = res.headers;
        settle(reject, err);
        req.destroy();
      });
    });
    ws.on('error', (err) => settle(reject, err));
    ws.on('open', () => {
      const client = new Client(ws, ticket);
      client.answerPings = answerPings;
      settle(resolve, client);
    });
  });
}

/// Ticket + upgrade for `sub` with a fresh HS256 token.
export async function connect(sockd, sub, opts = {}) {
  const res = await getTicket(sockd, userToken(sub, sockd.secret || SECRET),
                              { path: opts.ticketPath });
  if (res.status !== 200) {
    throw new Error(`ticket for ${sub}: HTTP ${res.status} ${res.text}`);
  }
  const client = await openSocket(sockd, res.body.ticket, opts);
  client.sub = sub;
  return client;
}

/// Expects `promise` (an openSocket) to be refused; returns the error.
export async function refused(promise) {
  try {
    const client = await promise;
    client.terminate();
  } catch (err) {
    return err;
  }
  throw new Error('expected the upgrade to be refused, but it succeeded');
}

/// Connects each sub to `sockd` and joins `topic` with all of them.
export async function joined(sockd, topic, ...subs) {
  const clients = [];
  for (const sub of subs) {
    const c = await connect(sockd, sub);
    await c.subscribe(topic);
    clients.push(c);
  }
  return clients;
}

/// A topic name unique to this run.
export function uniqueTopic(type = 'chat') {
  return `${type}:${crypto.randomUUID()}`;
}
