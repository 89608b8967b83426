// GET /metrics on the admin address (docs/operations.md, "Metrics"): the
// exposition passes `promtool check metrics`, counters move by exactly the
// traffic sent, and a real Prometheus scraping the admin address every
// second reads the relay counter back through its HTTP query API.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import * as h from './harness.mjs';

const T = { timeout: 60000 };
const server = h.useServer({
  args: { messages_per_second: 100000, messages_burst: 100000 },
  allowances: [['alice', 'chat:*'], ['bob', 'chat:*']],
});

const scrape = async () => {
  const res = await h.request(server.sockd.adminUrl, { path: '/metrics' });
  assert.equal(res.status, 200, res.text);
  return res;
};

/// The value of the series `name{labels}` (labels as written) in `text`.
function sample(text, series) {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  throw new Error(`no series ${series} in:\n${text}`);
}

const RELAYED = 'sockd_frames_received_total{result="relayed"}';

/// Sends `n` relays from alice to a topic bob is in; resolves once bob has
/// them all (so every one was broadcast).
async function relays(n) {
  const topic = h.uniqueTopic();
  const [alice, bob] = await h.joined(server.sockd, topic, 'alice', 'bob');
  for (let i = 0; i < n; ++i) alice.send({ action: 13, topic, payload: { i } });
  for (let i = 0; i < n; ++i) {
    await bob.next((f) => f && f.topic === topic && f.payload && f.payload.i === i);
  }
  return { alice, bob, topic };
}

test('the exposition passes promtool check metrics', T, async () => {
  await relays(3); // some series with values other than 0
  const res = await scrape();
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4');
  const check = spawnSync('promtool', ['check', 'metrics'],
                          { input: res.text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  for (const name of ['sockd_open_sockets', 'sockd_connections',
                      'sockd_deliveries_total', 'sockd_outbound_bytes_total',
                      'sockd_slow_consumer_closes_total', 'sockd_closes_total',
                      'sockd_tickets_total', 'sockd_subscribe_decisions_total',
                      'sockd_db_requests_total', 'sockd_db_request_duration_seconds',
                      'sockd_db_queue_depth', 'sockd_stored_messages_total',
                      'sockd_cluster_nodes', 'sockd_cluster_messages_total',
                      'sockd_topic_handovers_total', 'sockd_topics',
                      'process_resident_memory_bytes', 'process_open_fds',
                      'process_max_fds', 'process_cpu_seconds_total',
                      'process_start_time_seconds']) {
    assert.match(res.text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
});

test('counters move by exactly the traffic sent', T, async () => {
  const before = (await scrape()).text;
  const { alice, topic } = await relays(5);
  // A relay to a topic alice is not in: one ERROR not_subscribed.
  const other = h.uniqueTopic();
  alice.send({ action: 13, topic: other, payload: {} });
  await alice.next(h.isError('not_subscribed'));
  const text = (await scrape()).text;
  const delta = (s) => sample(text, s) - sample(before, s);
  assert.equal(delta(RELAYED), 5);
  assert.equal(delta('sockd_frames_received_total{result="not_subscribed"}'), 1);
  assert.equal(delta('sockd_tickets_total{event="issued"}'), 2);
  assert.equal(delta('sockd_tickets_total{event="redeemed"}'), 2);
  assert.equal(delta('sockd_subscribe_decisions_total{result="allowed"}'), 2);
  assert.equal(delta('sockd_db_requests_total{kind="allow",result="ok"}'), 2);
  assert.ok(sample(text, 'sockd_connections') >= 2);
  assert.ok(sample(text, 'sockd_topics{type="chat"}') >= 1, topic);
  assert.ok(delta('sockd_deliveries_total') >= 5);
  assert.ok(sample(text, 'process_resident_memory_bytes') > 1e6);
  assert.ok(sample(text, 'process_open_fds') > 3);
  const start = sample(text, 'process_start_time_seconds');
  assert.ok(Math.abs(start - Date.now() / 1000) < 600, `start ${start}`);
});

test('a client close is counted under its code', T, async () => {
  const before = (await scrape()).text;
  const c = await h.connect(server.sockd, 'alice');
  await c.close(); // the client's close: 1000
  await h.eventually(async () => {
    const text = (await scrape()).text;
    return sample(text, 'sockd_closes_total{code="1000"}')
      - sample(before, 'sockd_closes_total{code="1000"}') === 1;
  }, { what: 'close 1000 counted' }); // counted when the session finishes
});

// -- a real Prometheus ---------------------------------------------------------

let prom = null;
const promDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-prom-'));
after(async () => {
  if (prom && prom.exitCode === null) {
    prom.kill('SIGTERM');
    await new Promise((resolve) => prom.once('exit', resolve));
  }
  fs.rmSync(promDir, { recursive: true, force: true });
});

async function startPrometheus(target) {
  const port = await h.freePort();
  const config = path.join(promDir, 'prometheus.yml');
  fs.writeFileSync(config, [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: sockd',
    '    static_configs:',
    `      - targets: ['${target}']`,
    '',
  ].join('\n'));
  let log = '';
  prom = spawn('prometheus', [`--config.file=${config}`,
                              `--storage.tsdb.path=${path.join(promDir, 'data')}`,
                              `--web.listen-address=127.0.0.1:${port}`],
               { stdio: ['ignore', 'pipe', 'pipe'] });
  prom.stdout.on('data', (d) => { log += d; });
  prom.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  await h.eventually(async () => (await h.request(url, { path: '/-/ready' })).status === 200,
                     { timeout: 20000, what: `prometheus ready; log:\n${log}` });
  return url;
}

/// The relay counter as Prometheus last scraped it, with the scrape's time.
async function promRelayed(url) {
  const q = encodeURIComponent(`${RELAYED}`);
  const res = await h.request(url, { path: `/api/v1/query?query=${q}` });
  assert.equal(res.status, 200, res.text);
  const r = res.body.data.result;
  return r.length === 1 ? Number(r[0].value[1]) : null;
}

test('Prometheus scrapes the admin address and sees N relays', T, async () => {
  const url = await startPrometheus(`127.0.0.1:${server.sockd.adminPort}`);
  // A scrape before the traffic, showing the counter at rest.
  const direct = sample((await scrape()).text, RELAYED);
  await h.eventually(async () => (await promRelayed(url)) === direct,
                     { timeout: 15000, interval: 250, what: 'first scrape' });
  const N = 17;
  await relays(N);
  // Scrapes come every second; wait (bounded) for the one after the relays.
  await h.eventually(async () => (await promRelayed(url)) === direct + N,
                     { timeout: 15000, interval: 250,
                       what: `prometheus shows ${direct + N}` });
  assert.equal(await promRelayed(url), direct + N);
});
