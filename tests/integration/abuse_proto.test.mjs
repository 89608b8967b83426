// Hostile frames (issue 11 rows 1, 7 and 12, docs/security.md): JSON nested
// 70,000 levels deep, payloads that a re-serialisation would change, topic
// names over `max_topic_bytes`, and a flood of 64 KB frames against a low
// rate limit. The node stays up and a bystander pair keeps chatting.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from './harness.mjs';
import { alive, bystander, rssBytes, summary } from './abuse.mjs';

const T = { timeout: 60000 };
const RATE = 5;

const server = h.useServer({
  args: { max_frame_bytes: 16777216, messages_per_second: RATE,
          messages_burst: RATE },
  allowances: [['abuser', 'chat:*'], ['peer', 'chat:*'], ['by-a', 'chat:*'],
               ['by-b', 'chat:*']],
});

/// A full token bucket: RATE tokens refill in one second.
const refill = () => h.sleep(1000 + 200);

/// The raw text of every frame `client` receives from now on.
function rawFrames(client) {
  const texts = [];
  client.ws.on('message', (data, isBinary) => {
    if (!isBinary) texts.push(data.toString('utf8'));
  });
  return texts;
}

/// Runs `abuse` while a bystander pair chats on the same node; logs the
/// bystander's latencies and checks every message of it arrived.
async function withBystander(name, abuse) {
  const by = await bystander(server.sockd, h.uniqueTopic(),
                             { intervalMs: 1000 / RATE + 50 });
  by.start();
  try {
    await abuse();
  } finally {
    const stats = await by.stop();
    console.log(`${name}: bystander ${JSON.stringify(summary(stats.latencies))}`
                + ` ms, ${stats.delivered}/${stats.sent} delivered`);
    assert.equal(stats.delivered, stats.sent);
    assert.ok(stats.delivered > 0);
  }
}

test('row 1: a frame 70,000 levels deep is bad_frame, the socket stays up',
     T, async () => {
  const pid = server.sockd.process.pid;
  const topic = h.uniqueTopic();
  const [abuser, peer] = await h.joined(server.sockd, topic, 'abuser', 'peer');
  await withBystander('row 1', async () => {
    const depth = 70000;
    const frame = `{"action":1,"topic":"${topic}","id":"deep","payload":`
                  + '['.repeat(depth) + ']'.repeat(depth) + '}';
    assert.equal(frame.length > 140000, true);
    abuser.send(frame);
    const err = await abuser.next(h.isError('bad_frame', { id: 'deep' }));
    assert.equal(err.topic, topic);
    assert.equal(err.payload.message,
                 'frame nests deeper than 64 levels (max_json_depth)');
    // Not parsed: no request, the id read before the deep member (8.11).
    assert.deepEqual(Object.keys(err.payload).sort(), ['code', 'id', 'message']);
    // Unclosed, and as objects: the same answer.
    abuser.send(`{"action":1,"topic":"${topic}","id":"open","payload":`
                + '['.repeat(depth));
    await abuser.next(h.isError('bad_frame', { id: 'open' }));
    abuser.send(`{"action":1,"topic":"${topic}","id":"objs","payload":`
                + '{"a":'.repeat(depth));
    await abuser.next(h.isError('bad_frame', { id: 'objs' }));
    assert.ok(alive(pid));
    // The socket is still open and usable: a relay reaches the peer.
    await refill();
    abuser.send({ action: 12, topic, payload: { after: 'deep' }, id: 'ok' });
    await abuser.next(h.isAck('ok'));
    const got = await peer.next((f) => f.topic === topic && f.payload
                                       && f.payload.after === 'deep');
    assert.equal(got.sender, abuser.cid);
    assert.ok(abuser.isOpen);
  });
  assert.ok(alive(pid));
});

test('row 12: a payload is relayed byte for byte', T, async () => {
  const topic = h.uniqueTopic();
  const [sender, peer] = await h.joined(server.sockd, topic, 'abuser', 'peer');
  const raw = rawFrames(peer);
  await refill();
  const payload = '{"n":12345678901234567890123,"z":1,"a":[1.50,-0,2E+5],'
                  + '"s":"\\u00e9\\/",  "sp" : [ 1 , 2 ] }';
  sender.send(`{"action":12,"topic":"${topic}","payload":${payload},`
              + '"id":"big"}');
  await sender.next(h.isAck('big'));
  const frame = await peer.next((f) => f.topic === topic && f.action === 12);
  assert.equal(frame.payload.z, 1);
  const text = raw.find((t) => t.startsWith('{"action":12,'));
  assert.ok(text, 'the raw relay');
  assert.ok(text.startsWith(`{"action":12,"topic":"${topic}","sender":`
                            + `"${sender.cid}","timestamp":"`), text);
  assert.ok(text.endsWith(`,"payload":${payload}}`), text);
  assert.ok(!text.includes('e+22'));
});

test('row 7: a topic of 257 bytes is bad_frame, 256 bytes pass', T,
     async () => {
  const pid = server.sockd.process.pid;
  const abuser = await h.connect(server.sockd, 'abuser');
  await withBystander('row 7', async () => {
    const base = `chat:${crypto.randomUUID()}-`;
    const at = base + 'x'.repeat(256 - base.length);
    const over = at + 'x';
    assert.equal(Buffer.byteLength(at), 256);
    abuser.send({ action: 8, topic: over, id: 'over' });
    const err = await abuser.next(h.isError('bad_frame', { id: 'over' }));
    assert.equal(err.topic, null); // never echoed
    assert.equal(err.payload.message,
                 'topic is longer than 256 bytes (max_topic_bytes)');
    abuser.send({ action: 12, topic: 'chat:' + 'y'.repeat(60000), id: 'r' });
    await abuser.next(h.isError('bad_frame', { id: 'r' }));
    abuser.send({ action: 8, topic: at, id: 'at' });
    await abuser.next((f) => f.action === 8 && f.topic === at);
    await abuser.next(h.isAck('at'));
  });
  assert.ok(alive(pid));
});

test('row 3: a flood of 64 KB frames is answered rate_limited', T,
     async () => {
  const pid = server.sockd.process.pid;
  const topic = h.uniqueTopic();
  const abuser = await h.connect(server.sockd, 'abuser');
  await abuser.subscribe(topic);
  await refill();
  const rssBefore = rssBytes(pid);
  let sent = 0;
  let elapsed = 0;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssBytes(pid));
  }, 50);
  await withBystander('row 3 flood', async () => {
    const filler = 'x'.repeat(64000);
    const t0 = Date.now();
    // As fast as the socket takes them, for 3 s or at most 10000 frames.
    while (sent < 10000 && Date.now() - t0 < 3000) {
      abuser.send(`{"action":12,"topic":"${topic}","payload":"${filler}",`
                  + `"id":"f${sent}"}`);
      sent += 1;
      // Let the bystander's clients (same event loop) run now and then.
      if (sent % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
      while (abuser.ws.bufferedAmount > 4 * 1024 * 1024) await h.sleep(1);
    }
    elapsed = (Date.now() - t0) / 1000;
    // Every frame carried an id: each gets its ACK or its rate_limited.
    const replies = await abuser.nextN(h.isReply, sent, 40000);
    const acks = replies.filter((f) => f.action === 'ACK').length;
    const limited = replies.filter((f) => f.action === 'ERROR'
                                          && f.payload.code === 'rate_limited');
    assert.equal(acks + limited.length, sent);
    assert.ok(limited.length > 0);
    assert.ok(limited.every((f) => f.topic === topic && f.payload.request === 12
                                   && /^f\d+$/.test(f.payload.id)));
    const answered = Date.now() - t0;
    // The burst and what refilled while the flood was read, no more.
    assert.ok(acks <= RATE + Math.ceil(RATE * answered / 1000) + 1,
              `${acks} ACKs in ${answered} ms`);
    console.log(`row 3 flood: ${sent} frames of 64 KB in ${elapsed} s, `
                + `${acks} passed, ${limited.length} rate_limited, `
                + `RSS ${Math.round(rssBefore / 1e6)} MB before, peak `
                + `${Math.round(rssPeak / 1e6)} MB`);
  }).finally(() => clearInterval(sampler));
  assert.ok(alive(pid));
  // Still responsive: a keepalive round trip and a relay after the flood.
  await abuser.roundTrip();
  await refill();
  abuser.send({ action: 12, topic, payload: { after: 'flood' }, id: 'last' });
  await abuser.next(h.isAck('last'));
});
