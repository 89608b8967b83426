// Issue 11, row 16: private-database mode (docs/storage.md) survives kill -9
// of sockd: the orphaned PostgreSQL is found and stopped, the data is kept,
// and a second sockd on a live data_dir is refused. No shared PostgreSQL:
// sockd starts its own. Rows 5, 13 and 15: abuse_db.test.mjs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';

import * as a from './abuse.mjs';
import * as h from './harness.mjs';

const S = h.SCHEMA;

afterEach(() => h.closeAllClients());

const reply = (id) => (f) => h.isReply(f) && f.payload && f.payload.id === id;

function pgBindir() {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return '/usr/lib/postgresql/15/bin';
  }
}

function stopPrivate(dataDir) {
  const pgdata = path.join(dataDir, 'postgresql', 'data');
  if (!fs.existsSync(path.join(pgdata, 'postmaster.pid'))) return;
  const cmd = [path.join(pgBindir(), 'pg_ctl'), '-D', pgdata, '-m',
               'immediate', 'stop'];
  const argv = process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--',
                                         ...cmd] : cmd;
  try {
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 20000 });
  } catch { /* not running */ }
}

test('row 16: private database after kill -9 of sockd',
     { timeout: 90000 }, async () => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-private-'));
  fs.chmodSync(top, 0o755); // PostgreSQL runs as `postgres` when root
  const dataDir = path.join(top, 'data');
  const args = { data_dir: dataDir };
  let first;
  let second;
  let third;
  try {
    first = await h.startSockd({ args, timeout: 60000 });
    const topicName = h.uniqueTopic('chat');
    const pidFile = path.join(dataDir, 'postgresql', 'data', 'postmaster.pid');
    const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
    const pmPid = Number(lines[0]);
    const port = Number(lines[3]);
    const psql = (sql) => execFileSync(path.join(pgBindir(), 'psql'),
      ['-X', '-At', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p',
       String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql],
      { encoding: 'utf8', timeout: 20000 }).trim();
    psql(`INSERT INTO ${S}.topic_allowances VALUES ('alice', 'chat:*')`);
    const alice = await h.connect(first, 'alice');
    await alice.subscribe(topicName);
    alice.send({ action: 12, topic: topicName, payload: { m: 'before' },
                 store: true, id: 'before' });
    assert.equal((await alice.next(reply('before'))).action, 'ACK');
    alice.terminate();

    // A second sockd on the same data_dir is refused: the PostgreSQL of a
    // live sockd is never taken over.
    const clash = await h.runSockd(['--listen=127.0.0.1:0',
      `--jwt_secret=${h.SECRET}`, `--schema=${S}`, `--data_dir=${dataDir}`]);
    assert.notEqual(clash.code, 0);
    assert.match(clash.output, /in use by another running sockd/);
    assert.ok(a.alive(pmPid), 'the first sockd keeps its PostgreSQL');

    await first.kill(); // SIGKILL
    assert.ok(a.alive(pmPid), 'kill -9 leaves the PostgreSQL running');

    second = await h.startSockd({ args, timeout: 60000 });
    await second.waitForLog(/earlier sockd left running/, 1000);
    assert.ok(!a.alive(pmPid), 'the orphaned PostgreSQL was stopped');
    const bob = await h.connect(second, 'alice');
    await bob.subscribe(topicName);
    bob.send({ action: 6, topic: topicName, id: 'hist' });
    const replay = await bob.next((f) => f && f.topic === topicName
                                  && f.action === 12);
    assert.equal(replay.payload.m, 'before', 'same data after the restart');
    assert.equal((await bob.next(reply('hist'))).action, 'ACK');
    bob.close();
    assert.equal(await second.stop(), 0);
    second = null;
    // Stopped cleanly: no server left on the data.
    assert.ok(!fs.existsSync(path.join(dataDir, 'postgresql', 'data',
                                       'postmaster.pid')));
    // And a clean start after a clean stop still works.
    third = await h.startSockd({ args, timeout: 60000 });
    assert.equal(await third.stop(), 0);
    third = null;
  } finally {
    for (const s of [first, second, third]) if (s) await s.kill();
    stopPrivate(dataDir);
    fs.rmSync(top, { recursive: true, force: true });
  }
});
