// Running sockd (docs/storage.md, "sock_connections life cycle"; the close
// when stopping in docs/protocol.md, "Keepalive, limits, close codes"; the
// options in docs/configuration.md): the log lines, the sock_connections
// rows, clean shutdown on SIGTERM and SIGINT, and the exit codes of bad
// configuration and --help.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 30000 };
const S = h.SCHEMA;
let pg;
let sockd;
const extra = []; // instances started by single tests

before(async () => {
  pg = await h.startPostgres();
  // The burst below opens 64 tickets and 64 upgrades from one address at
  // once: more than max_pending_per_address (64) may be in their HTTP phase
  // together, which abuse_net.test.mjs tests on its own.
  sockd = await h.startSockd({ databaseUrl: pg.url,
                               args: { max_pending_per_address: 256 } });
  await h.allow(pg, [['alice', 'chat:*'], ['bob', 'chat:*']]);
});

afterEach(() => h.closeAllClients());

after(async () => {
  h.closeAllClients();
  for (const x of [sockd, ...extra]) {
    if (x) await x.stop().catch(() => x.kill());
  }
  if (pg) await pg.cleanup();
});

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/// A log line containing the word `event`, `sub` and `cid`, in any order.
function eventLine(event, sub, cid) {
  return new RegExp(`^(?=.*\\b${event}\\b)(?=.*${escape(sub)})`
                    + `(?=.*${escape(cid)}).*$`, 'm');
}

async function connectionRows(cid) {
  return Number(await pg.psql(
    `SELECT count(*) FROM ${S}.sock_connections
     WHERE connection_id = ${h.sqlString(cid)}`));
}

test('JOIN and PART are logged; sock_connections has a row while connected',
     T, async () => {
  const alice = await h.connect(sockd, 'alice');
  await sockd.waitForLog(eventLine('JOIN', 'alice', alice.cid));
  await h.eventually(async () => (await connectionRows(alice.cid)) === 1,
                     { what: "alice's sock_connections row" });
  assert.equal(await pg.psql(
    `SELECT created_sub FROM ${S}.sock_connections
     WHERE connection_id = ${h.sqlString(alice.cid)}`), 'alice');
  await alice.close();
  await sockd.waitForLog(eventLine('PART', 'alice', alice.cid));
  await h.eventually(async () => (await connectionRows(alice.cid)) === 0,
                     { what: "alice's row removed after close" });
});

test('a burst of connections gets one row each, written in batches', T,
     async () => {
  // Many opens at once reach the database workers together and are written
  // as multi-row inserts (db/sock_connections.cpp); every row must be there
  // with its user and node, and none of the writes may have failed.
  const subs = Array.from({ length: 64 }, (_, i) => `burst-${i}`);
  const clients = await Promise.all(subs.map((sub) => h.connect(sockd, sub)));
  const expected = clients.map(
    (c, i) => `(${h.sqlString(c.cid)}, ${h.sqlString(subs[i])})`).join(', ');
  // Rows whose user and node are right, and rows of these connections.
  const rows = async () => pg.psql(
    `SELECT count(*) FILTER (WHERE sc.created_sub::text = v.sub
                               AND sc.node_name IS NOT NULL)
            || '/' || count(sc.connection_id)
     FROM (VALUES ${expected}) AS v(cid, sub)
     LEFT JOIN ${S}.sock_connections sc ON sc.connection_id = v.cid`);
  await h.eventually(async () => (await rows()) === '64/64',
                     { what: '64 sock_connections rows' });
  assert.doesNotMatch(sockd.log(), /sock_connections rows failed/);
  for (const c of clients) await c.close();
  await h.eventually(async () => (await rows()) === '0/0',
                     { what: 'the 64 rows removed after close' });
});

test('a connection that stored messages keeps its row after closing', T,
     async () => {
  // One database worker, so that the sock_connections writes happen in the
  // order the closes came (db/pending_rows.hpp: oldest first): once a
  // connection closed after bob has lost its row, bob's close was written
  // too, and his row is still there because it was kept, not because the
  // delete is yet to come.
  const x = await h.startSockd({ databaseUrl: pg.url,
                                 args: { db_pool_size: 1 } });
  extra.push(x);
  const bob = await h.connect(x, 'bob');
  const later = await h.connect(x, 'alice');
  const topic = h.uniqueTopic();
  await bob.subscribe(topic);
  bob.send({ action: 12, topic, payload: { m: 'kept' }, store: true, id: 'k' });
  await bob.next(h.isAck('k'));
  for (const c of [bob, later]) {
    await h.eventually(async () => (await connectionRows(c.cid)) === 1,
                       { what: `the row of ${c.sub}` });
  }
  // The row stays: messages reference the connection. The close is sent to
  // the database before PART is logged (actors/connection.cpp).
  await bob.close();
  await x.waitForLog(eventLine('PART', 'bob', bob.cid));
  await later.close();
  await h.eventually(async () => (await connectionRows(later.cid)) === 0,
                     { what: 'the row of the connection closed after bob' });
  assert.equal(await connectionRows(bob.cid), 1);
  assert.doesNotMatch(x.log(), /removing connection/);
});

test('SIGTERM closes sockets with 1001 and exits 0', T, async () => {
  const x = await h.startSockd({ databaseUrl: pg.url });
  extra.push(x);
  const early = await h.connect(x, 'bob');
  await early.close();
  const alice = await h.connect(x, 'alice');
  const bob = await h.connect(x, 'bob');
  const topic = h.uniqueTopic();
  await alice.subscribe(topic);
  await bob.subscribe(topic);
  for (const c of [alice, bob]) {
    await x.waitForLog(eventLine('JOIN', c.sub, c.cid));
  }
  const code = await x.stop('SIGTERM');
  assert.equal(code, 0, `exit code; log:\n${x.log()}`);
  for (const c of [alice, bob]) {
    const closed = await c.closed();
    assert.equal(closed.code, 1001, `${c.sub} closed with ${closed.code}`);
  }
  const log = x.log();
  assert.match(log, /sockd listening on 127\.0\.0\.1:\d+/);
  for (const c of [early, alice, bob]) {
    assert.match(log, eventLine('JOIN', c.sub, c.cid), `JOIN of ${c.cid}`);
    assert.match(log, eventLine('PART', c.sub, c.cid), `PART of ${c.cid}`);
  }
});

test('SIGINT stops sockd cleanly too', T, async () => {
  const x = await h.startSockd({ databaseUrl: pg.url });
  extra.push(x);
  const alice = await h.connect(x, 'alice');
  const code = await x.stop('SIGINT');
  assert.equal(code, 0, `exit code; log:\n${x.log()}`);
  assert.equal((await alice.closed()).code, 1001);
});

const base = () => ['--listen=127.0.0.1:0', `--database_url=${pg.url}`,
                    `--jwt_secret=${h.SECRET}`, `--schema=${S}`];

test('a bad option value exits 2 naming the option', T, async () => {
  const cases = [
    ['--ping_interval=abc', 'ping_interval'],
    ['--max_frame_bytes=12abc', 'max_frame_bytes'],
    ['--messages_per_second=fast', 'messages_per_second'],
    ['--max_connections_per_user=', 'max_connections_per_user'],
  ];
  for (const [arg, name] of cases) {
    const r = await h.runSockd([...base(), arg]);
    assert.equal(r.code, 2, `${arg}: exit ${r.code} ${r.signal}; output:\n${r.output}`);
    assert.match(r.output, new RegExp(name), `${arg}: message names ${name}`);
  }
  // From the environment as well.
  const r = await h.runSockd(base(), { env: { SOCKD_PING_INTERVAL: 'abc' } });
  assert.equal(r.code, 2, `SOCKD_PING_INTERVAL=abc: output:\n${r.output}`);
  assert.match(r.output, /ping_interval/i);
});

test('an unknown option exits 2', T, async () => {
  const r = await h.runSockd([...base(), '--no_such_option=1']);
  assert.equal(r.code, 2, `output:\n${r.output}`);
  assert.match(r.output, /no_such_option/);
});

test('--help prints the usage and exits 0', T, async () => {
  const r = await h.runSockd(['--help']);
  assert.equal(r.code, 0, `output:\n${r.output}`);
  for (const name of ['listen', 'database_url', 'jwt_secret', 'ping_interval',
                      'max_frame_bytes', 'allowed_origins']) {
    assert.match(r.output, new RegExp(name), `usage mentions ${name}`);
  }
});
