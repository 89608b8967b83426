// The upgrade and the ticket request as a browser makes them
// (docs/protocol.md, "Tickets and upgrade"): CORS on GET /ticket, the
// origin check of GET /sock (403 before the ticket is consumed), and the
// per-user and per-node connection caps (429, 503). The JWT checks and the
// ticket itself: tickets.test.mjs.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, afterEach, before, test } from 'node:test';

import * as h from './harness.mjs';
import { APP, EVIL, OTHER, assert401, assertErrorBody, ticketFor }
  from './tickets.mjs';

const T = { timeout: 30000 };

let pg;
const s = {}; // sockd instances by purpose

before(async () => {
  pg = await h.startPostgres();
  const common = { databaseUrl: pg.url };
  const lean = { db_pool_size: 2 };
  // One migration first, so the others find the schema in place.
  s.main = await h.startSockd({
    ...common, args: { allowed_origins: `${APP},${OTHER}` },
  });
  const [plain, usercap, nodecap] = await Promise.all([
    h.startSockd({ ...common, args: { ...lean, ticket_ttl: 1 } }),
    h.startSockd({ ...common, args: { ...lean, max_connections_per_user: 2 } }),
    h.startSockd({ ...common,
                   args: { ...lean, max_connections: 3, allowed_origins: APP } }),
  ]);
  Object.assign(s, { plain, usercap, nodecap });
});

afterEach(() => h.closeAllClients());

after(async () => {
  h.closeAllClients();
  await Promise.all(Object.values(s).map((x) => x.stop().catch(() => x.kill())));
  if (pg) await pg.cleanup();
});

function varyHasOrigin(headers) {
  return String(headers.vary || '').split(',')
    .some((v) => v.trim().toLowerCase() === 'origin');
}

test('CORS preflight for an allowed origin', T, async () => {
  for (const p of ['/ticket', '/v1/sock/ticket', '/api/v1/sock/ticket']) {
    for (const origin of [APP, OTHER]) {
      const res = await h.request(s.main, {
        method: 'OPTIONS', path: p,
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET',
                   'Access-Control-Request-Headers': 'authorization' },
      });
      assert.equal(res.status, 204, `${p} ${origin}`);
      assert.equal(res.headers['access-control-allow-origin'], origin);
      assert.equal(res.headers['access-control-allow-methods'], 'GET, OPTIONS');
      assert.equal(res.headers['access-control-allow-headers'], 'Authorization');
      assert.ok(varyHasOrigin(res.headers), `Vary: Origin on ${p}`);
    }
  }
});

test('CORS on GET /ticket: allowed origin echoed, others get none', T,
     async () => {
  const token = h.userToken('alice');
  for (const origin of [APP, OTHER]) {
    const res = await h.getTicket(s.main, token, { origin });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], origin);
    assert.ok(varyHasOrigin(res.headers));
  }
  const res = await h.getTicket(s.main, token, { origin: EVIL });
  assert.equal(res.headers['access-control-allow-origin'], undefined);
  const pre = await h.request(s.main, {
    method: 'OPTIONS', path: '/ticket',
    headers: { Origin: EVIL, 'Access-Control-Request-Method': 'GET' },
  });
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  // The 401 carries the CORS headers too, so a browser can read it.
  const denied = await h.getTicket(s.main, null, { origin: APP });
  assert401(denied, '401 with an allowed origin');
  assert.equal(denied.headers['access-control-allow-origin'], APP);
  assert.ok(varyHasOrigin(denied.headers));
});

test('CORS: no allow list, no CORS headers', T, async () => {
  const res = await h.getTicket(s.plain, h.userToken('alice'), { origin: APP });
  assert.equal(res.status, 200);
  assert.equal(res.headers['access-control-allow-origin'], undefined);
  const pre = await h.request(s.plain, {
    method: 'OPTIONS', path: '/ticket',
    headers: { Origin: APP, 'Access-Control-Request-Method': 'GET' },
  });
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
});

test('upgrade origin check: 403 without consuming the ticket', T, async () => {
  const ticket = await ticketFor(s.main, 'alice');
  const err = await h.refused(h.openSocket(s.main, ticket, { origin: EVIL }));
  assert.equal(err.status, 403, err.message);
  assertErrorBody(err.body, 'origin_not_allowed', 'disallowed origin');
  const c = await h.openSocket(s.main, ticket, { origin: APP });
  await c.roundTrip();
  // No Origin header at all (not a browser): allowed.
  const d = await h.openSocket(s.main, await ticketFor(s.main, 'bob'));
  await d.roundTrip();
  // No allow list: any origin.
  const e = await h.openSocket(s.plain, await ticketFor(s.plain, 'bob'),
                               { origin: EVIL });
  await e.roundTrip();
});

test('per-user cap: the third socket gets 429, closing one frees a slot', T,
     async () => {
  const a1 = await h.openSocket(s.usercap, await ticketFor(s.usercap, 'alice'));
  const a2 = await h.openSocket(s.usercap, await ticketFor(s.usercap, 'alice'));
  const third = await ticketFor(s.usercap, 'alice');
  const err = await h.refused(h.openSocket(s.usercap, third));
  assert.equal(err.status, 429, err.message);
  assertErrorBody(err.body, 'too_many_connections', 'third socket');
  // Another user is not affected.
  const b1 = await h.openSocket(s.usercap, await ticketFor(s.usercap, 'bob'));
  await b1.roundTrip();
  // The refused ticket was consumed.
  const again = await h.refused(h.openSocket(s.usercap, third));
  assert.equal(again.status, 401, again.message);
  await a1.close();
  // The slot is released once the server has seen the close.
  const a3 = await h.eventually(async () => {
    try {
      return await h.openSocket(s.usercap, await ticketFor(s.usercap, 'alice'));
    } catch (e) {
      if (e.status === 429) return null;
      throw e;
    }
  }, { timeout: 5000, what: 'a slot for alice after closing one' });
  await a3.roundTrip();
  await a2.roundTrip();
});

test('node cap: 503 server_full; origin and ticket are checked first', T,
     async () => {
  const clients = [];
  for (const sub of ['alice', 'bob', 'carol']) {
    clients.push(await h.openSocket(s.nodecap, await ticketFor(s.nodecap, sub)));
  }
  const full_ticket = await ticketFor(s.nodecap, 'dave');
  let err = await h.refused(h.openSocket(s.nodecap, full_ticket));
  assert.equal(err.status, 503, err.message);
  assertErrorBody(err.body, 'server_full', 'fourth socket');
  // Order of checks: origin 403, ticket 401, then the node cap.
  err = await h.refused(h.openSocket(s.nodecap, `${crypto.randomUUID()}:`
                                                + `${crypto.randomUUID()}`));
  assert.equal(err.status, 401, `unknown ticket on a full node: ${err.message}`);
  const kept = await ticketFor(s.nodecap, 'erin');
  err = await h.refused(h.openSocket(s.nodecap, kept, { origin: EVIL }));
  assert.equal(err.status, 403, `bad origin on a full node: ${err.message}`);
  assertErrorBody(err.body, 'origin_not_allowed', 'bad origin on a full node');
  // The 403 did not consume erin's ticket: on the full node it passes the
  // ticket check and meets the cap.
  err = await h.refused(h.openSocket(s.nodecap, kept, { origin: APP }));
  assert.equal(err.status, 503, `erin's ticket survived the 403: ${err.message}`);
  await clients[0].close();
  // The slot is released once the server has seen the close.
  const probe = await h.eventually(async () => {
    try {
      return await h.openSocket(s.nodecap, await ticketFor(s.nodecap, 'frank'));
    } catch (e) {
      if (e.status === 503) return null;
      throw e;
    }
  }, { timeout: 5000, what: 'a free slot after closing one' });
  await probe.roundTrip();
  // The ticket refused with 503 was consumed: 401 now, not 503.
  err = await h.refused(h.openSocket(s.nodecap, full_ticket));
  assert.equal(err.status, 401, `the ticket refused with 503 was consumed: ${err.message}`);
});
