// The admin listener (docs/operations.md, "Admin listener"): operator
// paths only on admin_listen and none of them on the public port, the
// bearer api_key of /api/*, the API off without a key, metrics_require_key,
// the start errors of its options, and the alert rules file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 30000 };
const KEY = 'k'.repeat(24) + 'admin-test';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const server = h.useServer({ args: { api_key: KEY } });

const admin = (opts) => h.request(server.sockd.adminUrl, opts);
const bearer = (key) => ({ authorization: `Bearer ${key}` });

test('the admin address logs its port and serves /metrics', T, async () => {
  assert.match(server.sockd.log(),
               new RegExp(`sockd admin listening on 127\\.0\\.0\\.1:${server.sockd.adminPort}`));
  assert.notEqual(server.sockd.adminPort, server.sockd.port);
  const res = await admin({ path: '/metrics' });
  assert.equal(res.status, 200);
  assert.match(res.text, /^# TYPE sockd_connections gauge$/m);
  assert.equal(res.headers['access-control-allow-origin'], undefined);
});

test('public paths are not served on the admin address', T, async () => {
  for (const p of ['/ticket', '/v1/sock/ticket', '/sock', '/healthz', '/readyz',
                   '/turn', '/', '/dev/token', '/api', '/metricsx']) {
    const res = await admin({ path: p, headers: bearer(KEY) });
    assert.equal(res.status, 404, p);
    assert.deepEqual(res.body, { error: { code: 'not_found',
      message: 'no such resource on the admin address' } }, p);
  }
  // A WebSocket upgrade is not one either.
  const res = await admin({ path: '/sock', headers: {
    connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
  assert.equal(res.status, 404);
});

test('operator paths are not served on the public port', T, async () => {
  for (const p of ['/metrics', '/api/info', '/api/publish']) {
    const res = await h.request(server.sockd, { path: p, headers: bearer(KEY) });
    assert.equal(res.status, 404, p);
    assert.equal(res.body.error.code, 'not_found', p);
  }
});

test('/api/* needs the bearer api_key', T, async () => {
  for (const headers of [{}, bearer('wrong'), bearer(KEY + 'x'),
                         bearer(KEY.slice(0, -1) + 'X'), { authorization: KEY }]) {
    const res = await admin({ path: '/api/info', headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.deepEqual(res.body, { error: { code: 'unauthorized',
      message: 'missing or wrong Bearer api_key' } });
    assert.equal(res.headers['www-authenticate'], 'Bearer');
  }
  const ok = await admin({ path: '/api/info', headers: bearer(KEY) });
  assert.notEqual(ok.status, 401, ok.text);
  assert.notEqual(ok.status, 404, ok.text);
  const wrongMethod = await admin({ path: '/api/publish', headers: bearer(KEY) });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.allow, 'POST');
});

test('keep-alive: several requests on one connection', T, async () => {
  const text = await new Promise((resolve, reject) => {
    const s = net.connect(server.sockd.adminPort, '127.0.0.1');
    let got = '';
    s.on('data', (d) => {
      got += d;
      if ((got.match(/HTTP\/1\.1 /g) || []).length === 2
          && got.endsWith('}')) { s.end(); resolve(got); }
    });
    s.on('error', reject);
    s.write('GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n'
            + 'GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n');
  });
  assert.match(text, /^HTTP\/1\.1 401 /);
  assert.match(text, /HTTP\/1\.1 404 [\s\S]*no such resource on the admin address/);
});

/// A kept-alive admin connection: `get(path)` sends one request and
/// resolves with the whole response text; `ended` resolves when the server
/// closes it.
function adminConnection(port) {
  const s = net.connect(port, '127.0.0.1');
  let got = '';
  let waiter = null;
  const ended = new Promise((resolve) => s.on('close', resolve));
  s.on('data', (d) => {
    got += d;
    const head = got.indexOf('\r\n\r\n');
    const m = head < 0 ? null
      : got.slice(0, head).match(/\r\ncontent-length: (\d+)/i);
    if (waiter && m && got.length >= head + 4 + Number(m[1])) {
      const w = waiter;
      waiter = null;
      const text = got;
      got = '';
      w(text);
    }
  });
  s.on('error', () => {});
  return {
    ended,
    read: () => new Promise((resolve) => { waiter = resolve; }),
    get(path) {
      s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      return this.read();
    },
    close: () => s.end(),
  };
}

test('admin_max_connections: one more connection is answered 503 and closed; '
     + 'a freed slot serves again', T, async () => {
  const s = await h.startSockd({ databaseUrl: server.pg.url, ready: false,
                                 args: { admin_max_connections: 3 } });
  try {
    const held = [];
    for (let i = 0; i < 3; ++i) {
      const c = adminConnection(s.adminPort);
      assert.match(await c.get('/metrics'), /^HTTP\/1\.1 200 /);
      held.push(c);
    }
    const extra = adminConnection(s.adminPort);
    const refused = await extra.read();
    assert.match(refused, /^HTTP\/1\.1 503 /);
    assert.match(refused, /\r\nConnection: close\r\n/i);
    assert.match(refused, /"code":"server_full"/);
    await extra.ended;
    // The held ones are untouched; one of them leaves, and its slot is
    // free again once the server has read its end (each attempt is one
    // request answered 503 or 200).
    assert.match(await held[1].get('/metrics'), /^HTTP\/1\.1 200 /);
    held[0].close();
    await held[0].ended;
    let res;
    await h.eventually(async () => {
      res = await h.request(s.adminUrl, { path: '/metrics' });
      return res.status === 200;
    }, { what: 'a freed admin slot' });
    assert.match(await held[2].get('/metrics'), /^HTTP\/1\.1 200 /);
    for (const c of held.slice(1)) c.close();
  } finally { await s.stop(); }
});

test('without api_key the API is off; metrics_require_key closes /metrics', T,
     async () => {
  const off = await h.startSockd({ databaseUrl: server.pg.url, ready: false });
  try {
    const res = await h.request(off.adminUrl, { path: '/api/info', headers: bearer(KEY) });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: { code: 'api_disabled',
      message: 'the backend API is disabled: set api_key or api_key_file' } });
  } finally { await off.stop(); }
  const locked = await h.startSockd({ databaseUrl: server.pg.url, ready: false,
                                      args: { api_key: KEY, metrics_require_key: true } });
  try {
    assert.equal((await h.request(locked.adminUrl, { path: '/metrics' })).status, 401);
    const res = await h.request(locked.adminUrl, { path: '/metrics', headers: bearer(KEY) });
    assert.equal(res.status, 200);
  } finally { await locked.stop(); }
});

test('admin_listen empty: no admin address', T, async () => {
  const s = await h.startSockd({ databaseUrl: server.pg.url, ready: false,
                                 args: { admin_listen: '' } });
  try {
    assert.equal(s.adminPort, null);
    assert.doesNotMatch(s.log(), /admin listening/);
  } finally { await s.stop(); }
});

test('api_key_file: the key is read from the file', T, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-key-'));
  const file = path.join(dir, 'key');
  fs.writeFileSync(file, `${KEY}\n`);
  const s = await h.startSockd({ databaseUrl: server.pg.url, ready: false,
                                 args: { api_key_file: file } });
  try {
    assert.equal((await h.request(s.adminUrl, { path: '/api/info' })).status, 401);
    const res = await h.request(s.adminUrl, { path: '/api/info', headers: bearer(KEY) });
    assert.notEqual(res.status, 401);
    assert.ok(!s.log().includes(KEY), 'the key is never logged');
  } finally {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('start errors name the option', T, async () => {
  const base = ['--listen=127.0.0.1:0', `--database_url=${server.pg.url}`,
                `--jwt_secret=${h.SECRET}`];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-key-'));
  const file = path.join(dir, 'key');
  fs.writeFileSync(file, `${KEY}\n`);
  const blocker = net.createServer();
  await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = blocker.address().port;
  try {
    const cases = [
      [['--api_key=short'], /api_key: the key is 5 bytes, too short \(at least 32\)/],
      [[`--api_key=${KEY}`, `--api_key_file=${file}`],
       /api_key_file: set together with api_key; set one of them/],
      [['--admin_listen=nonsense'], /admin_listen: 'nonsense' is not host:port/],
      [['--admin_listen=no.such.host.invalid:1'], /admin_listen: cannot resolve/],
      [[`--admin_listen=127.0.0.1:${taken}`],
       new RegExp(`admin_listen: cannot bind 127\\.0\\.0\\.1:${taken}: Address already in use`)],
      [['--listen=127.0.0.1:8089', '--admin_listen=127.0.0.1:8089'],
       /admin_listen: '127\.0\.0\.1:8089' is the listen address/],
    ];
    for (const [args, re] of cases) {
      const r = await h.runSockd([...base, ...args]);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.output, re, args.join(' '));
      assert.ok(!r.output.includes(KEY), 'the key is never logged');
    }
  } finally {
    blocker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the alert rules file passes promtool check rules', T, () => {
  const rules = path.join(ROOT, 'deploy/prometheus/sockd-rules.yml');
  const r = spawnSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /SUCCESS: 8 rules found/);
});
