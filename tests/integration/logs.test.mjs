// The log (docs/operations.md, "Logs"): log_format json writes one object
// per line with time, level, message and the event's fields; log_level
// drops what is below it; tokens, tickets, secrets and payloads never
// appear, at any level.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 60000 };
const TURN_SECRET = 'turn-secret-that-must-not-be-logged-4d1f';
const PAYLOAD_MARK = 'payload-that-must-not-be-logged-93ac';
const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

let pg;
let allowed = false;
before(async () => {
  pg = await h.startPostgres();
});

/// Grants chat:* once the first sockd made the tables.
async function allowChat() {
  if (allowed) return;
  await h.allow(pg, [['alice', 'chat:*'], ['bob', 'chat:*']]);
  allowed = true;
}
after(async () => {
  h.closeAllClients();
  if (pg) await pg.cleanup();
});

/// Every line of `log` parsed as JSON; fails naming a line that is not.
function jsonLines(log) {
  return log.split('\n').filter((l) => l !== '').map((line) => {
    try {
      return JSON.parse(line);
    } catch (err) {
      throw new Error(`not a JSON line: ${line}`);
    }
  });
}

test('json: one object per line with time, level, message and fields', T,
     async () => {
  const sockd = await h.startSockd({
    databaseUrl: pg.url,
    args: { log_format: 'json', log_level: 'debug', turn_secret: TURN_SECRET,
            turn_uris: 'turn:127.0.0.1:3478' },
  });
  await allowChat();
  const token = h.userToken('alice');
  const ticket = await h.getTicket(sockd, token);
  assert.equal(ticket.status, 200);
  const turn = await h.request(sockd, {
    path: '/turn', headers: { authorization: `Bearer ${token}` } });
  assert.equal(turn.status, 200);
  const alice = await h.openSocket(sockd, ticket.body.ticket);
  const topic = h.uniqueTopic();
  await alice.subscribe(topic);
  alice.send({ action: 12, topic, payload: { text: PAYLOAD_MARK },
               store: true, id: 'm1' });
  await alice.next(h.isAck('m1'));
  // A refused upgrade logs the refusal, never the ticket it carried.
  const forged = `${'f'.repeat(32)}:${crypto.randomUUID()}`;
  await h.refused(h.openSocket(sockd, forged));
  await sockd.waitForLog(/upgrade refused/);
  const cid = ticket.body.ticket.split(':')[1];
  await alice.close();
  await sockd.waitForLog(new RegExp(`"message":"PART".*${cid}`));
  assert.equal(await sockd.stop(), 0);

  const log = sockd.log();
  const lines = jsonLines(log);
  for (const line of lines) {
    assert.match(line.time, h.ISO_MS_RE, JSON.stringify(line));
    assert.ok(LEVELS.has(line.level), JSON.stringify(line));
    assert.equal(typeof line.message, 'string', JSON.stringify(line));
  }
  const by = (message) => lines.filter((l) => l.message === message);
  assert.deepEqual(by('JOIN').map(({ user, connection, level }) =>
    ({ user, connection, level })),
  [{ user: 'alice', connection: cid, level: 'info' }]);
  assert.deepEqual(by('PART').map(({ user, connection }) =>
    ({ user, connection })), [{ user: 'alice', connection: cid }]);
  assert.deepEqual(by('SUBSCRIBE').map(({ user, connection, topic: t,
                                          result, level }) =>
    ({ user, connection, topic: t, result, level })),
  [{ user: 'alice', connection: cid, topic, result: 'ok',
     level: 'debug' }]);
  const refusal = lines.find((l) => l.message.startsWith('upgrade refused'));
  assert.equal(refusal.code, 'unauthorized');
  assert.equal(refusal.status, '401');
  assert.ok(lines.some((l) => /sockd listening on 127\.0\.0\.1:\d+/
    .test(l.message)));
  // Nothing secret, at the most talkative level.
  for (const secret of [token, ticket.body.ticket, forged, TURN_SECRET,
                        h.SECRET, PAYLOAD_MARK, turn.body.credential]) {
    assert.ok(!log.includes(secret), `the log holds ${secret}:\n${log}`);
  }
});

test('log_level warn drops info and debug lines', T, async () => {
  // startSockd waits for the INFO line "sockd listening on", which this
  // level drops: start on a chosen port and wait for /healthz instead.
  const port = await h.freePort();
  const child = spawn(process.env.SOCKD_BIN, [
    `--listen=127.0.0.1:${port}`, `--database_url=${pg.url}`,
    `--jwt_secret=${h.SECRET}`, `--schema=${h.SCHEMA}`, '--log_level=warn',
    '--admin_listen=', // off: the default port may be taken
    // dev mode warns loudly at start: lines this level keeps
    '--dev=true',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    const sockd = { url: `http://127.0.0.1:${port}`, port, secret: h.SECRET };
    await h.eventually(async () => {
      const res = await h.request(sockd, { path: '/readyz' });
      return res.status === 200;
    }, { timeout: 20000, what: '/readyz 200' });
    await allowChat();
    const bob = await h.connect(sockd, 'bob');
    await bob.subscribe(h.uniqueTopic());
    await bob.close();
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await h.within(exited, 15000, 'sockd exit'), 0, log);
  const lines = log.split('\n').filter((l) => l !== '');
  // What stopping logs at info ("received SIGTERM", "sockd stopped") is
  // gone too: the process has exited, so every line it wrote is here.
  assert.ok(lines.length > 0);
  for (const line of lines) {
    assert.match(line, /^\S+Z (WARN|ERROR) /, line);
  }
  assert.ok(lines.some((l) => /WARN DEV MODE/.test(l)), log);
});
