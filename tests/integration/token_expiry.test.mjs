// enforce_token_exp (docs/protocol.md, "Close codes"): a socket closes
// with 4002 "token expired" when the login token behind its ticket
// expires (exp + jwt_leeway); other sockets stay. Off by default: Awayto's
// client keeps its socket past the token's exp, and so does sockd then.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 60000 };
let pg;
let strict; // enforce_token_exp, no leeway
let lenient; // the default

before(async () => {
  pg = await h.startPostgres();
  strict = await h.startSockd({
    databaseUrl: pg.url,
    args: { enforce_token_exp: true, jwt_leeway: 0 } });
  lenient = await h.startSockd({ databaseUrl: pg.url,
                                 args: { jwt_leeway: 0 } });
  await h.allow(pg, [['alice', 'chat:*'], ['bob', 'chat:*']]);
});

after(async () => {
  h.closeAllClients();
  for (const x of [strict, lenient]) {
    if (x) await x.stop().catch(() => x.kill());
  }
  if (pg) await pg.cleanup();
});

async function connectWith(sockd, sub, exp) {
  const token = h.hs256Token(h.SECRET, { sub, exp });
  const res = await h.getTicket(sockd, token);
  assert.equal(res.status, 200, res.text);
  return h.openSocket(sockd, res.body.ticket);
}

test('the socket closes with 4002 when its token expires; others stay', T,
     async () => {
  const exp = h.nowSeconds() + 3;
  const alice = await connectWith(strict, 'alice', exp);
  const bob = await connectWith(strict, 'bob', h.nowSeconds() + 3600);
  const carol = await connectWith(lenient, 'alice', exp);
  const topic = h.uniqueTopic();
  await alice.subscribe(topic);
  await bob.subscribe(topic);
  const { code, reason } = await alice.closed(15000);
  const closedAt = Date.now() / 1000;
  assert.deepEqual({ code, reason }, { code: 4002, reason: 'token expired' });
  // Not before exp (the server rounds it up to a whole second).
  assert.ok(closedAt >= exp, `closed at ${closedAt}, exp ${exp}`);
  // The others see alice leave, and bob's socket is still served.
  await bob.next((f) => f.action === 4 && f.topic === topic);
  await bob.roundTrip();
  // The lenient node's socket, on a token with the same exp, is past it
  // now (alice's close was the sign) and still served.
  await carol.roundTrip();
  await strict.waitForLog(/INFO token expired: closing user=alice /);
});

test('a ticket whose token expired before the upgrade closes at once', T,
     async () => {
  // Valid at /ticket (exp a second ahead), expired when the socket opens.
  const exp = h.nowSeconds() + 1;
  const token = h.hs256Token(h.SECRET, { sub: 'bob', exp });
  const res = await h.getTicket(strict, token);
  assert.equal(res.status, 200, res.text);
  await h.eventually(() => h.nowSeconds() >= exp + 1,
                     { timeout: 5000, what: 'the token expired' });
  const bob = await h.openSocket(strict, res.body.ticket);
  const { code } = await bob.closed(5000);
  assert.equal(code, 4002);
});
