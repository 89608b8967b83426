// The WebSocket wire as sockd frames it itself after the handshake
// (net/ws_reader.hpp, net/frame_batch.hpp): control frames, fragments,
// every length form, closes in both directions and protocol errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 30000 };
const MAX = 200000;
const server = h.useServer({
  args: { max_frame_bytes: MAX, messages_per_second: 100000,
          messages_burst: 100000 },
  allowances: [['alice', 'chat:*'], ['bob', 'chat:*']],
});

test('a WebSocket ping is answered with a pong carrying its data', T,
     async () => {
  const c = await h.connect(server.sockd, 'alice');
  const pong = new Promise((resolve) => c.ws.once('pong', resolve));
  c.ws.ping(Buffer.from('are you there'));
  const data = await h.within(pong, 5000, 'pong');
  assert.equal(data.toString(), 'are you there');
  await c.roundTrip();
});

test('a fragmented message, a ping between its fragments', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  const topic = h.uniqueTopic();
  const text = JSON.stringify({ action: 8, topic, id: 'frag-1' });
  const cut = Math.floor(text.length / 3);
  const pong = new Promise((resolve) => c.ws.once('pong', resolve));
  c.ws.send(text.slice(0, cut), { fin: false });
  c.ws.ping('mid');
  c.ws.send(text.slice(cut, 2 * cut), { fin: false });
  c.ws.send(text.slice(2 * cut), { fin: true });
  assert.equal((await h.within(pong, 5000, 'pong')).toString(), 'mid');
  await c.next(h.isAck('frag-1'));
});

test('relayed frames of every header length arrive whole and in order', T,
     async () => {
  const topic = h.uniqueTopic();
  const [pub, sub] = await h.joined(server.sockd, topic, 'alice', 'bob');
  // Payload sizes around the 126 and 65,536 byte header boundaries, then a
  // burst of small ones that leave in gathered writes.
  const sizes = [1, 60, 200, 65000, 70000, 150000];
  for (let i = 0; i < 100; ++i) sizes.push(10 + (i % 7));
  const sent = sizes.map((n, i) => ({ n: i, pad: 'x'.repeat(n) }));
  for (const payload of sent) pub.send({ action: 12, topic, payload });
  for (const payload of sent) {
    const f = await sub.next((x) => x && x.action === 12 && x.topic === topic,
                             10000);
    assert.equal(f.payload.n, payload.n);
    assert.equal(f.payload.pad, payload.pad);
  }
});

test('a close from the client is answered with its code', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  c.ws.close(4001, 'done here');
  const closed = await c.closed();
  assert.equal(closed.code, 4001);
});

test('text that is not UTF-8 closes with 1007', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  // ws refuses to send bad UTF-8 as text: write the masked frame raw.
  c.ws._socket.write(maskedFrame(0x1, Buffer.from([0x7B, 0xFF, 0x7D])));
  assert.equal((await c.closed()).code, 1007);
});

test('an unmasked client frame closes with 1002', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  c.ws._socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
  assert.equal((await c.closed()).code, 1002);
});

test('reserved bits close with 1002', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  c.ws._socket.write(maskedFrame(0x1 | 0x40, Buffer.from('{}')));
  assert.equal((await c.closed()).code, 1002);
});

test('frames split at every byte still parse', T, async () => {
  const c = await h.connect(server.sockd, 'alice');
  const topic = h.uniqueTopic();
  const bytes = maskedFrame(0x1, Buffer.from(JSON.stringify(
    { action: 8, topic, id: 'split-1' })));
  for (const b of bytes) {
    c.ws._socket.write(Buffer.from([b]));
    await h.sleep(1);
  }
  await c.next(h.isAck('split-1'));
});

// A client frame (FIN set, `first` = FIN/RSV/opcode byte) masked with a
// fixed key, for what ws will not send.
function maskedFrame(first, payload) {
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const head = Buffer.from([0x80 | first, 0x80 | payload.length]);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([head, key, body]);
}
