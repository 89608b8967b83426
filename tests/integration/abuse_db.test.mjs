// Issue 11, the database rows against a PostgreSQL the test controls
// (docs/storage.md, docs/security.md "Stores", docs/protocol.md "Storage and
// history"):
//   5  a store while the database is frozen: the answer is the database's,
//      and a retry with the same id leaves one row;
//   13 LOAD_MESSAGES beyond max_history_rows: bad_frame at once;
//   15 the first store after PostgreSQL restarts is stored.
// Row 16 (sockd's private PostgreSQL): abuse_db_private.test.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import * as a from './abuse.mjs';
import * as h from './harness.mjs';

const S = h.SCHEMA;
const MAX_HISTORY_ROWS = 1000;

const server = h.useServer({
  args: { messages_per_second: 1000, messages_burst: 1000,
          max_history_rows: MAX_HISTORY_ROWS },
  allowances: [['alice', 'chat:*'], ['bob', 'chat:*'],
               ['by-a', 'chat:*'], ['by-b', 'chat:*']],
  cleanExit: true,
});

const reply = (id) => (f) => h.isReply(f) && f.payload && f.payload.id === id;
const relayOf = (topic, m) => (f) => f && f.topic === topic && f.payload
  && f.payload.m === m && f.action === 12;

async function count(where) {
  return Number(await server.pg.psql(`SELECT count(*) FROM ${S}.topic_messages
                               WHERE ${where}`));
}

async function countM(topic, m) {
  return count(`topic = ${h.sqlString(topic)}
                AND message->'payload'->>'m' = ${h.sqlString(m)}`);
}

// Every process of the cluster: the postmaster and its children. SIGSTOP on
// the postmaster alone leaves the backends running.
function clusterPids() {
  const pidFile = path.join(server.pg.dir, 'data', 'postmaster.pid');
  const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  const pids = [postmaster];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch { /* gone */ }
  }
  return pids;
}

function signalAll(pids, signal) {
  for (const pid of pids) {
    try { process.kill(pid, signal); } catch { /* gone */ }
  }
}

test('row 5: a store while the database is frozen gets the database\'s answer',
     { timeout: 60000 }, async () => {
  const topic = h.uniqueTopic('chat');
  const [alice, bob] = await h.joined(server.sockd, topic, 'alice', 'bob');
  const by = await a.bystander(server.sockd, h.uniqueTopic('chat'));
  // Warm: one stored message, so every statement is prepared.
  alice.send({ action: 12, topic, payload: { m: 'warm' }, store: true,
               id: 'warm' });
  await alice.next(relayOf(topic, 'warm'));
  assert.equal((await alice.next(reply('warm'))).action, 'ACK');
  await bob.next(relayOf(topic, 'warm'));

  by.start();
  const pids = clusterPids();
  signalAll(pids, 'SIGSTOP');
  let frozenMs;
  try {
    const t0 = performance.now();
    alice.send({ action: 12, topic, payload: { m: 'f-1' }, store: true,
                 id: 'f-1' });
    // No id: no ACK; it must not be reported as failed if it commits.
    alice.send({ action: 12, topic, payload: { m: 'f-noid' }, store: true });
    // Not stored, but behind the stores in this topic (broadcast order is
    // storage order).
    alice.send({ action: 12, topic, payload: { m: 'f-plain' }, id: 'f-plain' });
    // Longer than the old 10 s store timeout: no answer may come while the
    // database says nothing, and bob sees nothing of this topic.
    await alice.none((f) => f && f.topic === topic, 11000);
    await bob.none((f) => f && f.topic === topic, 10);
    frozenMs = performance.now() - t0;
  } finally {
    signalAll(pids, 'SIGCONT');
  }
  const told = await alice.next(reply('f-1'), 20000);
  const stored = await countM(topic, 'f-1');
  console.log(`row 5: frozen ${Math.round(frozenMs)} ms; told ${told.action}`
              + ` ${told.payload.message || ''}; rows ${stored}`);
  if (told.action === 'ACK') {
    assert.equal(stored, 1, 'ACKed: exactly one row');
  } else {
    assert.equal(told.payload.code, 'unavailable', JSON.stringify(told));
    assert.match(told.payload.message, /not stored/);
    assert.equal(stored, 0, 'told "not stored": no row');
  }
  // The relays behind it follow, in order; the store without id is stored
  // exactly when nobody told alice it failed.
  assert.equal((await alice.next(reply('f-plain'))).action, 'ACK');
  const seen = [];
  while (!seen.includes('f-plain')) {
    const f = await bob.next((x) => x && x.topic === topic, 5000);
    seen.push(f.payload.m);
  }
  const noidStored = await countM(topic, 'f-noid');
  const noidRefused = alice.queued((f) => f && f.action === 'ERROR'
                                   && f.payload.id === undefined).length;
  assert.equal(noidStored, noidRefused === 0 ? 1 : 0);
  assert.deepEqual(seen, [...(told.action === 'ACK' ? ['f-1'] : []),
                          ...(noidStored ? ['f-noid'] : []), 'f-plain']);

  // A retry with the same id: ACKed, one row, not broadcast again.
  alice.send({ action: 12, topic, payload: { m: 'f-1' }, store: true,
               id: 'f-1' });
  assert.equal((await alice.next(reply('f-1'))).action, 'ACK');
  assert.equal(await countM(topic, 'f-1'), 1, 'a retry adds no row');
  await bob.none(relayOf(topic, 'f-1'), 300);
  // The same id in another topic is another message.
  const other = h.uniqueTopic('chat');
  await alice.subscribe(other);
  alice.send({ action: 12, topic: other, payload: { m: 'f-1' }, store: true,
               id: 'f-1' });
  assert.equal((await alice.next(reply('f-1'))).action, 'ACK');
  assert.equal(await countM(other, 'f-1'), 1);

  const stats = await by.stop();
  const s = a.summary(stats.latencies);
  console.log(`row 5 bystander (other topic) during the freeze: ${stats.delivered}`
              + `/${stats.sent} delivered, p50 ${s.p50} ms, p99 ${s.p99} ms,`
              + ` max ${s.max} ms`);
  assert.equal(stats.delivered, stats.sent);
  assert.ok(a.alive(server.sockd.process.pid));
});

test('row 5: a store that times out is "not stored", and its retry stores it',
     { timeout: 40000 }, async () => {
  const topic = h.uniqueTopic('chat');
  const [alice, bob] = await h.joined(server.sockd, topic, 'alice', 'bob');
  // A lock held longer than the 5 s statement_timeout: the insert times out
  // inside PostgreSQL, which rolls it back.
  const locker = server.pg.psql(`BEGIN; LOCK TABLE ${S}.topic_messages IN ACCESS
    EXCLUSIVE MODE; SELECT pg_sleep(7); COMMIT`);
  await h.eventually(async () => Number(await server.pg.psql(
    `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
     WHERE c.relname = 'topic_messages' AND l.mode = 'AccessExclusiveLock'
     AND l.granted`)) === 1, { timeout: 5000, what: 'the table lock' });
  const t0 = performance.now();
  alice.send({ action: 12, topic, payload: { m: 't-1' }, store: true,
               id: 't-1' });
  const told = await alice.next(reply('t-1'), 15000);
  const waited = performance.now() - t0;
  await locker;
  assert.equal(told.action, 'ERROR', JSON.stringify(told));
  assert.equal(told.payload.code, 'unavailable');
  assert.match(told.payload.message, /^message not stored/);
  assert.equal(await countM(topic, 't-1'), 0, 'told "not stored": no row');
  await bob.none(relayOf(topic, 't-1'), 200);
  // The retry with the same id is stored once and broadcast once.
  alice.send({ action: 12, topic, payload: { m: 't-1' }, store: true,
               id: 't-1' });
  assert.equal((await alice.next(reply('t-1'))).action, 'ACK');
  await bob.next(relayOf(topic, 't-1'));
  assert.equal(await countM(topic, 't-1'), 1);
  console.log(`row 5: a store behind a lock was refused after`
              + ` ${Math.round(waited)} ms: "${told.payload.message}"`);
  assert.ok(a.alive(server.sockd.process.pid));
});

test('row 5: a connection lost during COMMIT: the rows are looked up',
     { timeout: 40000 }, async () => {
  // A sockd of its own: breaking a connection under a statement leaks
  // libpqxx 6.4's PGresult, which an ASan build would report at exit
  // (tests/integration/lsan_pqxx.supp; nothing of sockd's is suppressed).
  const supp = new URL('./lsan_pqxx.supp', import.meta.url).pathname;
  const own = await h.startSockd({
    databaseUrl: server.pg.url, env: { LSAN_OPTIONS: `suppressions=${supp}` },
    args: { messages_per_second: 1000, messages_burst: 1000 },
  });
  try {
    await interruptedCommit(own);
  } finally {
    assert.equal(await own.stop().catch(() => own.kill()), 0,
                 own.log().slice(-4000));
  }
});

async function interruptedCommit(sockd) {
  const topic = h.uniqueTopic('chat');
  const [alice, bob] = await h.joined(sockd, topic, 'alice', 'bob');
  // A deferred trigger runs at COMMIT: it sleeps there for one message, and
  // the test terminates that session meanwhile, so the worker's COMMIT
  // breaks with its outcome unknown to it (pqxx in_doubt_error).
  await server.pg.psql(`CREATE FUNCTION ${S}.doubt() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN IF NEW.message->'payload'->>'m' = 'doubt' THEN
      PERFORM pg_sleep(5); END IF; RETURN NULL; END $$;
    CREATE CONSTRAINT TRIGGER doubt AFTER INSERT ON ${S}.topic_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${S}.doubt()`);
  try {
    alice.send({ action: 12, topic, payload: { m: 'doubt' }, store: true,
                 id: 'doubt' });
    await h.eventually(async () => Number(await server.pg.psql(
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
       WHERE wait_event = 'PgSleep' AND query = 'COMMIT'`)) === 1,
    { timeout: 5000, interval: 50, what: 'the COMMIT in the trigger' });
    const told = await alice.next(reply('doubt'), 10000);
    console.log(`row 5: COMMIT interrupted: told ${told.action}`
                + ` "${told.payload.message}"`);
    // The session was terminated before its commit record: no row, and the
    // worker found that out instead of guessing.
    assert.equal(told.action, 'ERROR', JSON.stringify(told));
    assert.match(told.payload.message, /^message not stored/);
    assert.equal(await countM(topic, 'doubt'), 0);
    await bob.none(relayOf(topic, 'doubt'), 200);
  } finally {
    await server.pg.psql(`DROP TRIGGER doubt ON ${S}.topic_messages;
                   DROP FUNCTION ${S}.doubt()`);
  }
  alice.send({ action: 12, topic, payload: { m: 'doubt' }, store: true,
               id: 'doubt' });
  assert.equal((await alice.next(reply('doubt'))).action, 'ACK');
  await bob.next(relayOf(topic, 'doubt'));
  assert.equal(await countM(topic, 'doubt'), 1);
  assert.ok(sockd.log().includes('connection lost during COMMIT'));
  assert.ok(a.alive(sockd.process.pid));
}

test('row 13: history pages beyond max_history_rows are refused at once',
     { timeout: 30000 }, async () => {
  const topic = h.uniqueTopic('chat');
  // 200,000 rows: an OFFSET to the end would scan all of them.
  await server.pg.psql(`INSERT INTO ${S}.topic_messages
    (topic, connection_id, created_sub, message)
    SELECT ${h.sqlString(topic)}, 'bulk', 'alice',
           jsonb_build_object('action', 12, 'topic', ${h.sqlString(topic)},
                              'payload', jsonb_build_object('m', i))
    FROM generate_series(1, 200000) AS i; ANALYZE ${S}.topic_messages`);
  const [alice] = await h.joined(server.sockd, topic, 'alice');
  const by = await a.bystander(server.sockd, h.uniqueTopic('chat'));
  by.start();
  const timings = [];
  for (const [page, pageSize, id] of [[1000000, 10, 'deep'],
                                      [101, 10, 'edge-out'],
                                      [20001, 100, 'deep-100']]) {
    const t0 = performance.now();
    alice.send({ action: 6, topic, payload: { page, pageSize }, id });
    const f = await alice.next(reply(id), 2000);
    timings.push(performance.now() - t0);
    assert.equal(f.action, 'ERROR', JSON.stringify(f));
    assert.equal(f.payload.code, 'bad_frame');
    assert.match(f.payload.message, /max_history_rows \(1000\)/);
  }
  // A burst of deep pages (the abuse): all refused, none reaches SQL.
  const burst = 500;
  const t0 = performance.now();
  for (let i = 0; i < burst; ++i) {
    alice.send({ action: 6, topic, payload: { page: 1000000, pageSize: 100 },
                 id: `b-${i}` });
  }
  const refusals = await alice.nextN((f) => h.isReply(f)
                                     && String(f.payload.id).startsWith('b-'),
                                     burst, 20000);
  const burstMs = performance.now() - t0;
  assert.ok(refusals.every((f) => f.action === 'ERROR'
                           && f.payload.code === 'bad_frame'));
  // The deepest page inside the limit works: rows 991..1000 from the newest.
  alice.send({ action: 6, topic, payload: { page: 100, pageSize: 10 },
               id: 'edge-in' });
  const frames = [];
  for (;;) {
    const f = await alice.next((x) => x && x.topic === topic, 5000);
    if (f.action === 'ACK') break;
    frames.push(f);
  }
  assert.equal(frames.filter((f) => f.action === 12).length, 10);
  assert.equal(frames[0].payload.m, 200000 - 990);
  assert.equal(frames[frames.length - 1].action, 7, 'more beyond the page');
  const stats = await by.stop();
  const s = a.summary(stats.latencies);
  console.log(`row 13: refusals in ${timings.map((t) => t.toFixed(1)).join(', ')}`
              + ` ms; ${burst} deep pages refused in ${burstMs.toFixed(0)} ms;`
              + ` bystander ${stats.delivered}/${stats.sent}, p50 ${s.p50}`
              + ` ms, max ${s.max} ms`);
  assert.equal(stats.delivered, stats.sent);
  // The page query stays an index scan on (topic, seq), as a prepared
  // statement like sockd's; how many rows the deepest page reads, at this
  // test's limit, at the default one, and at the end of the topic (what an
  // unbounded page cost before).
  for (const offset of [MAX_HISTORY_ROWS - 10, 9990, 199990]) {
    const plan = await server.pg.psql(`PREPARE h(text, bigint, bigint) AS
      SELECT message::text FROM ${S}.topic_messages WHERE topic = $1
      ORDER BY seq DESC LIMIT $2 OFFSET $3;
      EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)
      EXECUTE h(${h.sqlString(topic)}, 11, ${offset})`);
    console.log(`row 13 plan, OFFSET ${offset}:\n${plan}`);
    assert.match(plan, /Index Scan Backward using topic_messages_topic_seq_idx/);
  }
  assert.ok(a.alive(server.sockd.process.pid));
});

test('row 15: the first store after PostgreSQL restarts is stored',
     { timeout: 40000 }, async () => {
  const topic = h.uniqueTopic('chat');
  const [alice, bob] = await h.joined(server.sockd, topic, 'alice', 'bob');
  await server.pg.stop();
  // Every worker fails to connect, again and again, while it is down: pings
  // are handed out round-robin, and a store tries the topic's worker.
  alice.send({ action: 12, topic, payload: { m: 'down' }, store: true,
               id: 'down' });
  const down = await alice.next(reply('down'), 10000);
  assert.equal(down.payload.code, 'unavailable', JSON.stringify(down));
  let polling = true;
  const poll = (async () => {
    while (polling) {
      await h.request(server.sockd, { path: '/readyz', timeout: 3000 })
        .catch(() => {});
      await h.sleep(20); // pacing
    }
  })();
  await h.sleep(300); // a few failed attempts per worker
  await server.pg.start();
  polling = false;
  await poll;
  // The very first store: no retry loop.
  alice.send({ action: 12, topic, payload: { m: 'back' }, store: true,
               id: 'back' });
  const f = await alice.next(reply('back'), 10000);
  assert.equal(f.action, 'ACK', JSON.stringify(f));
  await bob.next(relayOf(topic, 'back'));
  assert.equal(await countM(topic, 'back'), 1);
  assert.equal(await countM(topic, 'down'), 0, 'the refused one is not stored');
  await h.waitReady(server.sockd, { timeout: 10000 });
  assert.ok(a.alive(server.sockd.process.pid));
});
