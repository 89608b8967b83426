// Tickets (docs/protocol.md, "Tickets and upgrade"): the JWT checks of
// GET /ticket (HS256, RS256 with jwt_public_key, iss, aud, the leeway),
// the ticket's format, single use and expiry. CORS, the origin check and
// the connection caps: upgrade.test.mjs.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';

import * as h from './harness.mjs';
import { APP, OTHER, assert401, assertErrorBody, ticketFor }
  from './tickets.mjs';

const T = { timeout: 30000 };
const ISSUER = 'https://issuer.example/realms/awayto';

let pg;
let keydir;
let rsa;
const s = {}; // sockd instances by purpose

before(async () => {
  pg = await h.startPostgres();
  rsa = h.rsaKeyPair();
  keydir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-keys-'));
  const keyfile = path.join(keydir, 'public.pem');
  fs.writeFileSync(keyfile, rsa.publicKeyPem);
  const common = { databaseUrl: pg.url };
  const lean = { db_pool_size: 2 };
  // One migration first, so the others find the schema in place.
  s.main = await h.startSockd({
    ...common, args: { allowed_origins: `${APP},${OTHER}` },
  });
  const [plain, both, rsaonly, claims] = await Promise.all([
    h.startSockd({ ...common, args: { ...lean, ticket_ttl: 1 } }),
    h.startSockd({ ...common, args: { ...lean, jwt_public_key: keyfile } }),
    h.startSockd({ ...common, secret: null,
                   args: { ...lean, jwt_public_key: keyfile } }),
    h.startSockd({ ...common,
                   args: { ...lean, jwt_issuer: ISSUER, jwt_audience: 'sockd',
                           jwt_leeway: 5 } }),
  ]);
  Object.assign(s, { plain, both, rsaonly, claims });
});

afterEach(() => h.closeAllClients());

after(async () => {
  h.closeAllClients();
  await Promise.all(Object.values(s).map((x) => x.stop().catch(() => x.kill())));
  if (pg) await pg.cleanup();
  if (keydir) fs.rmSync(keydir, { recursive: true, force: true });
});

const now = h.nowSeconds;

test('refused tokens: 401 with the JSON error body', T, async () => {
  const other = 'some-other-secret-0123456789abcdef';
  const good = h.userToken('alice');
  const [head, body] = good.split('.');
  const forged_body = Buffer.from(JSON.stringify({ sub: 'mallory',
                                                   exp: now() + 600 }))
    .toString('base64url');
  const cases = {
    'no Authorization header': { token: null },
    'Bearer without a token': { authorization: 'Bearer' },
    'Bearer and a space': { authorization: 'Bearer ' },
    'not a JWT': { token: 'not-a-jwt' },
    'three garbage parts': { token: 'a.b.c' },
    'header not JSON': { token: `${Buffer.from('{oops').toString('base64url')}`
                                + `.${body}.${good.split('.')[2]}` },
    'two parts only': { token: `${head}.${body}` },
    'expired beyond the leeway': {
      token: h.hs256Token(h.SECRET, { sub: 'alice', exp: now() - 3600 }) },
    'not yet valid (nbf) beyond the leeway': {
      token: h.hs256Token(h.SECRET, { sub: 'alice', nbf: now() + 3600,
                                      exp: now() + 7200 }) },
    'signed with another secret': {
      token: h.hs256Token(other, { sub: 'alice', exp: now() + 600 }) },
    'payload swapped under the signature': {
      token: `${head}.${forged_body}.${good.split('.')[2]}` },
    'alg none': { token: h.noneToken({ sub: 'alice', exp: now() + 600 }) },
    'alg HS512 (not the configured alg)': {
      token: h.hs256Token(h.SECRET, { sub: 'alice', exp: now() + 600 },
                          { alg: 'HS512' }) },
    'no sub': { token: h.hs256Token(h.SECRET, { exp: now() + 600 }) },
    'empty sub': { token: h.hs256Token(h.SECRET, { sub: '', exp: now() + 600 }) },
    'numeric sub': { token: h.hs256Token(h.SECRET, { sub: 42, exp: now() + 600 }) },
    'scheme missing': { authorization: good },
    'Basic scheme': { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    'Token scheme': { authorization: `Token ${good}` },
  };
  for (const [what, c] of Object.entries(cases)) {
    for (const p of ['/ticket', '/v1/sock/ticket', '/api/v1/sock/ticket']) {
      const res = await h.getTicket(s.main, c.token,
                                    { path: p, authorization: c.authorization });
      assert401(res, `${what} at ${p}`);
      assert.equal(res.body.ticket, undefined);
    }
  }
});

test('accepted tokens: Bearer in any case, exp within the leeway, no exp', T,
     async () => {
  const token = h.userToken('alice');
  for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    const res = await h.getTicket(s.main, null,
                                  { authorization: `${scheme} ${token}` });
    assert.equal(res.status, 200, `${scheme}: ${res.text}`);
    assert.match(res.body.ticket, h.TICKET_RE);
  }
  const cases = {
    'expired 10 s ago (leeway 30)': { sub: 'alice', exp: now() - 10 },
    'nbf 10 s ahead (leeway 30)': { sub: 'alice', nbf: now() + 10,
                                    exp: now() + 600 },
    'no exp': { sub: 'alice' },
    'extra claims': { sub: 'alice', exp: now() + 600, iat: now(),
                      name: 'Alice', realm_access: { roles: ['a'] } },
  };
  for (const [what, claims] of Object.entries(cases)) {
    const res = await h.getTicket(s.main, h.hs256Token(h.SECRET, claims));
    assert.equal(res.status, 200, `${what}: ${res.text}`);
  }
});

test('the ticket is <uuid>:<uuid>, fresh each time', T, async () => {
  const seen = new Set();
  for (let i = 0; i < 20; ++i) {
    const ticket = await ticketFor(s.main, 'alice');
    assert.match(ticket, h.TICKET_RE);
    const [auth, cid] = ticket.split(':');
    assert.notEqual(auth, cid);
    assert.ok(!seen.has(auth) && !seen.has(cid), 'halves never repeat');
    seen.add(auth);
    seen.add(cid);
  }
});

test('Awayto\'s path /api/v1/sock/ticket: its ticket opens /sock once', T,
     async () => {
  const ticket = await ticketFor(s.main, 'alice',
                                 { path: '/api/v1/sock/ticket', origin: APP });
  assert.match(ticket, h.TICKET_RE);
  const c = await h.openSocket(s.main, ticket, { origin: APP });
  assert.equal(c.cid, ticket.split(':')[1]);
  await c.roundTrip();
  const err = await h.refused(h.openSocket(s.main, ticket));
  assert.equal(err.status, 401, 'single use like /ticket');
  // Only the exact path: a near miss is an unknown resource.
  const near = await h.getTicket(s.main, h.userToken('alice'),
                                 { path: '/api/v1/sock/tickets' });
  assert.equal(near.status, 404, near.text);
  assertErrorBody(near.body, 'not_found', 'near miss');
});

test('a ticket is single use', T, async () => {
  const ticket = await ticketFor(s.main, 'alice');
  const c = await h.openSocket(s.main, ticket);
  assert.equal(c.cid, ticket.split(':')[1]);
  let err = await h.refused(h.openSocket(s.main, ticket));
  assert.equal(err.status, 401, err.message);
  assertErrorBody(err.body, 'unauthorized', 'second use');
  await c.close();
  err = await h.refused(h.openSocket(s.main, ticket));
  assert.equal(err.status, 401, 'still used after the socket closed');
});

test('unknown and malformed tickets: 401', T, async () => {
  const ticket = await ticketFor(s.main, 'alice');
  const [auth, cid] = ticket.split(':');
  const u = () => crypto.randomUUID();
  const cases = {
    'no ticket parameter': null,
    'empty ticket': '',
    garbage: 'garbage',
    'one uuid': u(),
    'x:y': 'x:y',
    'three parts': `${u()}:${u()}:${u()}`,
    'unknown pair': `${u()}:${u()}`,
    'right auth code, another connection id': `${auth}:${u()}`,
    'unknown auth code, the right connection id': `${u()}:${cid}`,
    'halves swapped': `${cid}:${auth}`,
  };
  for (const [what, t] of Object.entries(cases)) {
    const err = await h.refused(h.openSocket(s.main, t));
    assert.equal(err.status, 401, `${what}: ${err.message}`);
    assertErrorBody(err.body, 'unauthorized', what);
  }
});

test('an unused ticket expires after ticket_ttl', T, async () => {
  // Used at once, a ticket of the ttl=1 server works.
  const fresh = await ticketFor(s.plain, 'alice');
  (await h.openSocket(s.plain, fresh)).terminate();
  const ticket = await ticketFor(s.plain, 'alice');
  await h.sleep(2200);
  const err = await h.refused(h.openSocket(s.plain, ticket));
  assert.equal(err.status, 401, err.message);
  assertErrorBody(err.body, 'unauthorized', 'expired ticket');
});

test('RS256 with jwt_public_key, next to HS256 with jwt_secret', T,
     async () => {
  const claims = { sub: 'alice', exp: now() + 600 };
  const other = h.rsaKeyPair();
  // Both configured: each algorithm with its own key.
  let res = await h.getTicket(s.both, h.rs256Token(rsa.privateKey, claims));
  assert.equal(res.status, 200, `RS256: ${res.text}`);
  const c = await h.openSocket(s.both, res.body.ticket);
  await c.roundTrip();
  res = await h.getTicket(s.both, h.hs256Token(h.SECRET, claims));
  assert.equal(res.status, 200, `HS256: ${res.text}`);
  assert401(await h.getTicket(s.both, h.rs256Token(other.privateKey, claims)),
            'RS256 signed by another key');
  assert401(await h.getTicket(s.both, h.hs256Token(rsa.publicKeyPem, claims)),
            'HS256 with the public key as the HMAC secret');
  assert401(await h.getTicket(s.both, h.rs256Token(rsa.privateKey,
                                                   { sub: 'alice', exp: now() - 3600 })),
            'RS256 expired');
  assert401(await h.getTicket(s.both, h.rs256Token(rsa.privateKey,
                                                   { exp: now() + 600 })),
            'RS256 without sub');
  // Only the public key configured: HS256 is refused whatever the secret.
  res = await h.getTicket(s.rsaonly, h.rs256Token(rsa.privateKey, claims));
  assert.equal(res.status, 200, `RS256 only: ${res.text}`);
  assert401(await h.getTicket(s.rsaonly, h.hs256Token(h.SECRET, claims)),
            'HS256 with no secret configured');
  assert401(await h.getTicket(s.rsaonly, h.hs256Token(rsa.publicKeyPem, claims)),
            'HS256 keyed with the public key, no secret configured');
  assert401(await h.getTicket(s.rsaonly, h.noneToken(claims)), 'alg none');
});

test('iss and aud are checked when configured; jwt_leeway is honoured', T,
     async () => {
  const base = { sub: 'alice', iss: ISSUER, aud: 'sockd', exp: now() + 600 };
  const ok = {
    'matching iss and aud': base,
    'aud as an array containing sockd': { ...base, aud: ['account', 'sockd'] },
    'expired 2 s ago (leeway 5)': { ...base, exp: now() - 2 },
  };
  for (const [what, claims] of Object.entries(ok)) {
    const res = await h.getTicket(s.claims, h.hs256Token(h.SECRET, claims));
    assert.equal(res.status, 200, `${what}: ${res.text}`);
  }
  const { iss, ...no_iss } = base;
  const { aud, ...no_aud } = base;
  assert.ok(iss && aud);
  const bad = {
    'wrong iss': { ...base, iss: 'https://elsewhere.example' },
    'missing iss': no_iss,
    'wrong aud': { ...base, aud: 'other' },
    'missing aud': no_aud,
    'aud array without sockd': { ...base, aud: ['account', 'other'] },
    'expired 20 s ago (leeway 5)': { ...base, exp: now() - 20 },
  };
  for (const [what, claims] of Object.entries(bad)) {
    assert401(await h.getTicket(s.claims, h.hs256Token(h.SECRET, claims)), what);
  }
});
