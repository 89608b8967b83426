// TURN credentials (docs/protocol.md, "TURN credentials"): GET /turn and
// GET /api/v1/turn with the ticket's bearer check and CORS, the answer's
// exact shape, 404 without turn_secret, the options' start-up errors, and a
// real coturn (Debian's turnserver, use-auth-secret) that allocates relays
// for sockd's credentials and refuses expired, forged and other users' ones,
// as coturn's own turnutils_uclient sees it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, afterEach, before, test } from 'node:test';

import { startCoturn, uclient } from './coturn.mjs';
import * as h from './harness.mjs';
import { APP, EVIL, assert401, assertErrorBody } from './tickets.mjs';

const T = { timeout: 60000 };
const SECRET = crypto.randomBytes(32).toString('hex');
const TTL = 600;
let pg;
let coturn;
let uris;
const s = {}; // sockd instances: with TURN, without

before(async () => {
  coturn = await startCoturn({ secret: SECRET });
  uris = [coturn.uri, `stun:127.0.0.1:${coturn.port}`];
  pg = await h.startPostgres();
  s.turn = await h.startSockd({
    databaseUrl: pg.url,
    args: { turn_secret: SECRET, turn_uris: uris.join(','), turn_ttl: TTL,
            allowed_origins: APP },
  });
  s.off = await h.startSockd({ databaseUrl: pg.url,
                               args: { db_pool_size: 1, allowed_origins: APP } });
});

afterEach(() => h.closeAllClients());

after(async () => {
  await Promise.all(Object.values(s).map((x) => x.stop().catch(() => x.kill())));
  if (pg) await pg.cleanup();
  if (coturn) await coturn.stop();
});

const hmac = (secret, username) =>
  crypto.createHmac('sha1', secret).update(username).digest('base64');

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function turnFor(sub, path = '/turn') {
  const res = await h.getTicket(s.turn, h.userToken(sub), { path });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

test('GET /turn and /api/v1/turn: coturn REST credentials, exact shape', T,
     async () => {
  for (const path of ['/turn', '/api/v1/turn']) {
    const t0 = h.nowSeconds();
    const res = await h.getTicket(s.turn, h.userToken('alice:work'),
                                  { path, origin: APP });
    const t1 = h.nowSeconds();
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    assert.match(String(res.headers['content-type']), /application\/json/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['access-control-allow-origin'], APP);
    const b = res.body;
    assert.deepEqual(Object.keys(b).sort(),
                     ['credential', 'iceServers', 'ttl', 'uris', 'username']);
    // A sub holding ':' stays whole: coturn splits at the first ':' only.
    const m = /^(\d+):alice:work$/.exec(b.username);
    assert.ok(m, b.username);
    assert.ok(Number(m[1]) >= t0 + TTL && Number(m[1]) <= t1 + TTL, m[1]);
    assert.equal(b.credential, hmac(SECRET, b.username));
    assert.equal(b.ttl, TTL);
    assert.deepEqual(b.uris, uris);
    assert.deepEqual(b.iceServers, [{ urls: uris, username: b.username,
                                      credential: b.credential }]);
  }
});

test('/turn: the ticket\'s token check, CORS and methods', T, async () => {
  const other = 'some-other-secret-0123456789abcdef';
  for (const path of ['/turn', '/api/v1/turn']) {
    assert401(await h.getTicket(s.turn, null, { path }), `${path} no token`);
    const bad = await h.getTicket(s.turn, h.userToken('alice', other),
                                  { path, origin: APP });
    assert401(bad, `${path} foreign token`);
    assert.equal(bad.headers['access-control-allow-origin'], APP);
    const expired = h.hs256Token(h.SECRET, { sub: 'alice',
                                             exp: h.nowSeconds() - 100 });
    assert401(await h.getTicket(s.turn, expired, { path }), `${path} expired`);
    for (const origin of [APP, EVIL]) {
      const pre = await h.request(s.turn, {
        method: 'OPTIONS', path,
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET',
                   'Access-Control-Request-Headers': 'authorization' },
      });
      assert.equal(pre.status, 204, `${path} preflight`);
      assert.equal(pre.headers['access-control-allow-origin'],
                   origin === APP ? APP : undefined);
    }
    const post = await h.request(s.turn, { method: 'POST', path });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, OPTIONS');
    assertErrorBody(post.body, 'method_not_allowed', `${path} POST`);
  }
});

test('without turn_secret: 404 with the reason, readable cross-origin', T,
     async () => {
  for (const path of ['/turn', '/api/v1/turn']) {
    const res = await h.getTicket(s.off, h.userToken('alice'),
                                  { path, origin: APP });
    assert.equal(res.status, 404, res.text);
    assert.deepEqual(res.body, { error: {
      code: 'not_found',
      message: 'TURN credentials are off: turn_secret is not set' } });
    assert.equal(res.headers['access-control-allow-origin'], APP);
    const pre = await h.request(s.off, {
      method: 'OPTIONS', path,
      headers: { Origin: APP, 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(pre.status, 204);
  }
});

test('bad TURN options stop the start naming the option, never the secret',
     T, async () => {
  const base = ['--dev', '--listen=127.0.0.1:0', `--turn_secret=${SECRET}`];
  const cases = [
    [[...base, `--turn_uris=${coturn.uri}`, '--turn_ttl=86401'],
     "turn_ttl: '86401' is out of range (60 to 86400) (command line)"],
    [[...base, `--turn_uris=${coturn.uri}`, '--turn_ttl=0'],
     "turn_ttl: '0' is out of range (60 to 86400) (command line)"],
    [[...base, '--turn_uris=https://turn.example'],
     "turn_uris: 'https://turn.example' is not a turn:, turns:, stun: or "
     + 'stuns: URI (command line)'],
    [base, 'turn_secret: set without turn_uris (GET /turn needs both)'],
  ];
  for (const [args, error] of cases) {
    const r = await h.runSockd(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.ok(r.output.includes(error), `${error}\n${r.output}`);
    assert.ok(!r.output.includes(SECRET), 'the secret is not echoed');
  }
  // Nor does the running server log it, after handing out credentials.
  await turnFor('alice');
  assert.ok(!s.turn.log().includes(SECRET), 'the secret is not logged');
});

test('coturn allocates relays for credentials from /turn', T, async () => {
  const { username, credential } = await turnFor('alice');
  const r = await uclient({ port: coturn.port, username, credential });
  assert.equal(r.code, 0, r.output);
  // -m 1 -y: two clients, each sent 2 packets through the relays.
  assert.match(r.output, /start_mclient: tot_send_msgs=4, tot_recv_msgs=4/);
  assert.match(r.output, /Total lost packets 0 /);
  const user = escape(username);
  await coturn.waitForLog(new RegExp(
    `user <${user}>: incoming packet ALLOCATE processed, success`));
  await coturn.waitForLog(new RegExp(`new, realm=<sockd\\.test>, `
                                     + `username=<${user}>`));
});

test('coturn refuses expired, forged and other users\' credentials', T,
     async () => {
  const now = h.nowSeconds();
  const bob = await turnFor('bob');
  const expiry = bob.username.split(':')[0];
  const cases = {
    // Signed with the right secret, but the time is past.
    expired: { username: `${now - 60}:alice`,
               credential: hmac(SECRET, `${now - 60}:alice`) },
    // A future time signed with a secret coturn does not have.
    forged: { username: `${now + 600}:alice`,
              credential: hmac(`${SECRET}x`, `${now + 600}:alice`) },
    // bob's genuine credential under alice's name.
    'other user': { username: `${expiry}:alice`, credential: bob.credential },
  };
  for (const [what, c] of Object.entries(cases)) {
    const r = await uclient({ port: coturn.port, ...c });
    assert.notEqual(r.code, 0, `${what}: ${r.output}`);
    assert.match(r.output, /Cannot complete Allocation/, what);
    const user = escape(c.username);
    await coturn.waitForLog(new RegExp(
      `user <${user}>: incoming packet message processed, error 401`));
    // uclient has exited: no allocation can come after this.
    assert.doesNotMatch(coturn.log(), new RegExp(
      `user <${user}>: incoming packet ALLOCATE processed, success`), what);
  }
});
