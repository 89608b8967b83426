// Hostile input, auth (issue 11 rows 9 and 11, docs/security.md "Tokens and
// dev mode"): a dev node's /dev/token tokens never log in on a production
// node that shares jwt_secret; a jwt_secret shorter than 32 bytes stops the
// binary at start; jwt_require_exp refuses tokens without exp.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';

import * as h from './harness.mjs';
import { alive, bystander, summary } from './abuse.mjs';

const T = { timeout: 60000 };
// Dev-token logins tried against production while a bystander pair chats:
// at most this many, for at most this long.
const ATTEMPTS = 5000;
const ABUSE_MS = 3000;

let pg;
let prod; // production: jwt_secret, no dev
let dev;  // dev on, the same jwt_secret and database
const extra = []; // nodes started by single tests

before(async () => {
  pg = await h.startPostgres();
  prod = await h.startSockd({ databaseUrl: pg.url });
  dev = await h.startSockd({ databaseUrl: pg.url, args: { dev: 'true' } });
  await h.allow(pg, [['by-a', 'chat:*'], ['by-b', 'chat:*'],
                     ['alice', 'chat:*']]);
});

afterEach(() => h.closeAllClients());

after(async () => {
  h.closeAllClients();
  for (const x of [prod, dev, ...extra]) {
    if (x) await x.stop().catch(() => x.kill());
  }
  if (pg) await pg.cleanup();
});

async function devToken(node, sub) {
  const res = await h.request(node, {
    method: 'POST', path: '/dev/token',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sub }),
  });
  assert.equal(res.status, 200, `/dev/token: ${res.text}`);
  assert.equal(typeof res.body.token, 'string');
  return res.body.token;
}

function assertUnauthorized(res, message, what) {
  assert.equal(res.status, 401, `${what}: ${res.text}`);
  assert.deepEqual(res.body, { error: { code: 'unauthorized', message } },
                   what);
}

test('row 9: a dev token is refused by a production node that shares '
     + 'jwt_secret', T, async () => {
  const token = await devToken(dev, 'mallory');
  const topic = h.uniqueTopic('chat');
  const pair = await bystander(prod, topic);
  pair.start();
  let tried = 0;
  let refused = 0;
  const deadline = performance.now() + ABUSE_MS;
  while (tried < ATTEMPTS && performance.now() < deadline) {
    tried += 1;
    const res = await h.getTicket(prod, token);
    assertUnauthorized(res, 'bad signature', `attempt ${tried}`);
    refused += 1;
  }
  const stats = await pair.stop();
  console.log(`row 9: ${refused}/${tried} dev-token logins on production `
              + 'refused 401; bystander latency ms',
              JSON.stringify(summary(stats.latencies)));
  assert.equal(refused, tried);
  assert.ok(tried > 0);
  assert.ok(stats.delivered > 0, 'the bystander pair kept receiving');
  assert.equal(stats.delivered, stats.sent);
  assert.ok(alive(prod.process.pid), 'production is alive');
  // Production has no /dev/token of its own.
  const res = await h.request(prod, { method: 'POST', path: '/dev/token',
                                      body: '{"sub":"mallory"}' });
  assert.equal(res.status, 404);
});

test('row 9: the dev node accepts its own dev tokens and the configured '
     + 'key', T, async () => {
  const token = await devToken(dev, 'alice');
  const res = await h.getTicket(dev, token);
  assert.equal(res.status, 200, res.text);
  assert.match(res.body.ticket, h.TICKET_RE);
  const c = await h.openSocket(dev, res.body.ticket);
  await c.subscribe(h.uniqueTopic('chat'));
  c.terminate();
  // Tokens of jwt_secret still work beside the dev key.
  const prodToken = h.userToken('alice');
  assert.equal((await h.getTicket(dev, prodToken)).status, 200);
  assert.equal((await h.getTicket(prod, prodToken)).status, 200);
  assert.match(dev.log(), /DEV MODE: .*signed with a key made for this process/);
  assert.doesNotMatch(dev.log(), /dev_allow_remote/);
});

test('row 9: the dev key is per process: another dev node refuses it', T,
     async () => {
  const other = await h.startSockd({ databaseUrl: pg.url,
                                     args: { dev: 'true',
                                             dev_allow_remote: 'true' } });
  extra.push(other);
  const token = await devToken(dev, 'alice');
  assertUnauthorized(await h.getTicket(other, token), 'bad signature',
                     'a dev token of another dev process');
  assert.equal((await h.getTicket(other, await devToken(other, 'alice')))
    .status, 200);
  // dev_allow_remote is said at start.
  assert.match(other.log(), /DEV MODE with dev_allow_remote: dev is served on/);
});

test('dev on a non-loopback address without dev_allow_remote exits 2', T,
     async () => {
  // Refused while parsing the options: nothing is bound.
  const r = await h.runSockd(['--listen=0.0.0.0:0', '--dev',
                              `--database_url=${pg.url}`]);
  assert.equal(r.code, 2, `output:\n${r.output}`);
  assert.match(r.output, /dev: listen '0\.0\.0\.0:0' is not a loopback address; .*dev_allow_remote/);
});

test('row 11: jwt_secret=a is refused at start with exit 2', T, async () => {
  const message = /sockd: jwt_secret: 1 bytes is too short for HS256 \(at least 32, RFC 7518 section 3\.2\)/;
  const base = ['--listen=127.0.0.1:0', `--database_url=${pg.url}`];
  let r = await h.runSockd([...base, '--jwt_secret=a']);
  assert.equal(r.code, 2, `output:\n${r.output}`);
  assert.match(r.output, message);
  assert.doesNotMatch(r.output, /sockd listening on/);
  // From the environment, and beside dev, just the same.
  r = await h.runSockd(base, { env: { SOCKD_JWT_SECRET: 'a' } });
  assert.equal(r.code, 2, `output:\n${r.output}`);
  assert.match(r.output, message);
  r = await h.runSockd([...base, '--dev', '--jwt_secret=a']);
  assert.equal(r.code, 2, `output:\n${r.output}`);
  assert.match(r.output, message);
  // One byte short of the bound.
  r = await h.runSockd([...base, `--jwt_secret=${'k'.repeat(31)}`]);
  assert.equal(r.code, 2, `output:\n${r.output}`);
  assert.match(r.output, /jwt_secret: 31 bytes is too short/);
});

test('jwt_require_exp: a token without exp is 401', T, async () => {
  const strict = await h.startSockd({ databaseUrl: pg.url,
                                      args: { jwt_require_exp: 'true' } });
  extra.push(strict);
  const noExp = h.hs256Token(h.SECRET, { sub: 'alice' });
  assertUnauthorized(await h.getTicket(strict, noExp), 'exp is missing',
                     'no exp, jwt_require_exp on');
  const withExp = h.userToken('alice');
  assert.equal((await h.getTicket(strict, withExp)).status, 200);
  const expired = h.hs256Token(h.SECRET, { sub: 'alice',
                                           exp: h.nowSeconds() - 3600 });
  assertUnauthorized(await h.getTicket(strict, expired), 'token expired',
                     'expired');
  // Off by default: the same token is fine on production.
  assert.equal((await h.getTicket(prod, noExp)).status, 200);
  assert.ok(alive(strict.process.pid));
});
