// Turns bench/run.sh's raw results (one JSON object per line: one scenario
// against one server in one round) into the Markdown tables of
// docs/performance.md: medians over rounds, ratios of sockd to its peers and
// the issue's targets.
//
//   node bench/summarize.mjs results.jsonl [machine.txt]
import fs from 'node:fs';

import { fmt, median, readArgs } from './results.mjs';

const { runs, machinePath } = readArgs('bench/summarize.mjs', 'results.jsonl');

const order = ['sockd-wss', 'sockd-alt-wss', 'nats-wss', 'sockd', 'sockd-alt',
  'nats', 'bare', 'bare-naive'];
const rank = (s) => (order.indexOf(s) === -1 ? order.length : order.indexOf(s));

function get(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

// "median (min-max)" for the figure a target is judged on.
function spread(values, digits = 0) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return 'n/a';
  const m = fmt(median(v), digits);
  if (v.length === 1) return m;
  return `${m} (${fmt(Math.min(...v), digits)}–${fmt(Math.max(...v), digits)})`;
}

function errors(group) {
  const total = {};
  for (const r of group) {
    for (const [k, n] of Object.entries(r.errors || {})) total[k] = (total[k] || 0) + n;
    if (r.server_died) total.server_died = (total.server_died || 0) + 1;
  }
  const keys = Object.keys(total);
  return keys.length === 0 ? 'none'
    : keys.map((k) => `${k}: ${total[k]}`).join(', ');
}

function groups(scenario) {
  const by = new Map();
  for (const r of runs.filter((x) => x.scenario === scenario)) {
    if (!by.has(r.server)) by.set(r.server, []);
    by.get(r.server).push(r);
  }
  return [...by.entries()].sort((a, b) => rank(a[0]) - rank(b[0]));
}

const out = [];
const say = (line = '') => out.push(line);

function table(title, columns, scenario) {
  const gs = groups(scenario);
  if (gs.length === 0) return null;
  say(`### ${title}`);
  say();
  say(`| server | ${columns.map((c) => c.name).join(' | ')} |`);
  say(`|---|${columns.map(() => '---:').join('|')}|`);
  for (const [server, group] of gs) {
    const cells = columns.map((c) => c.cell(group));
    say(`| ${server} | ${cells.join(' | ')} |`);
  }
  say();
  return new Map(gs);
}

const med = (path, digits = 0) => (g) => fmt(median(g.map((r) => get(r, path))), digits);
const spr = (path, digits = 0) => (g) => spread(g.map((r) => get(r, path)), digits);
// CPU µs per delivery: a process's CPU % of one core over deliveries/s.
const perDelivery = (path) => (g) => fmt(median(g.map((r) => (
  r.deliveries_per_s > 0 && typeof get(r, path) === 'number'
    ? (get(r, path) / 100) * 1e6 / r.deliveries_per_s : undefined))), 2);
const us2ms = (path) => (g) => fmt(median(g.map((r) => get(r, path)))
  / 1000, 2);
const cpu = [
  { name: 'server CPU %', cell: med('server_cpu_pct') },
  { name: 'db CPU %', cell: (g) => (g.some((r) => r.db_cpu_pct !== undefined)
    ? med('db_cpu_pct')(g) : '–') },
  { name: 'loadgen CPU %', cell: med('loadgen_cpu_pct') },
  { name: 'others CPU %', cell: med('other_cpu_pct') },
];

function ratio(gs, metric, a, b) {
  if (!gs || !gs.has(a) || !gs.has(b)) return undefined;
  const x = median(gs.get(a).map((r) => get(r, metric)));
  const y = median(gs.get(b).map((r) => get(r, metric)));
  if (x === undefined || y === undefined || y === 0) return undefined;
  return x / y;
}

// Pairs compared: sockd with each plain peer, sockd over wss with nats over
// wss, and each server over wss with itself plain (the cost of TLS).
const pairs = [['sockd', 'nats'], ['sockd', 'bare'], ['sockd', 'bare-naive'],
  ['sockd-wss', 'nats-wss'], ['sockd-wss', 'sockd'], ['nats-wss', 'nats']];

function ratios(gs, metric, label, lowerIsBetter = false) {
  const parts = [];
  for (const [a, b] of pairs) {
    const r = ratio(gs, metric, a, b);
    if (r !== undefined) parts.push(`${a} / ${b} = ${fmt(r, 2)}`);
  }
  if (parts.length > 0) {
    say(`Ratios of ${label}${lowerIsBetter ? ' (lower is better)' : ''}: `
        + `${parts.join('; ')}.`);
    say();
  }
}

const targets = [];
function target(text, ok) {
  targets.push(`| ${text} | ${ok === undefined ? 'not measured' : ok ? 'met' : '**not met**'} |`);
}

const roundsSeen = new Set(runs.map((r) => r.round)).size;
say('## Results');
say();
if (machinePath && fs.existsSync(machinePath)) {
  for (const line of fs.readFileSync(machinePath, 'utf8').split('\n')) {
    if (line.trim()) say(`- ${line.trim()}`);
  }
}
const tls = new Map();
for (const r of runs) if (r.tls) tls.set(r.server, r.tls);
if (tls.size > 0) {
  say(`- TLS negotiated: ${[...tls].map(([k, v]) => `${k} ${v}`).join('; ')}`);
}
say(`- ${roundsSeen} round(s), peers interleaved; each cell is the median over `
    + 'rounds, "(min–max)" where a target is judged. CPU % is per core '
    + '(200 = both cores); "others" is what other processes on the machine '
    + 'took during the measurement.');
say();

let gs = table('fanout: 1 topic × 1,000 subscribers, one publisher, window 32', [
  { name: 'subscribers', cell: med('subscribers') },
  { name: 'deliveries/s', cell: spr('deliveries_per_s') },
  { name: 'p50 ms', cell: us2ms('latency_us.p50') },
  { name: 'p99 ms', cell: us2ms('latency_us.p99') },
  { name: 'max ms', cell: us2ms('latency_us.max') },
  { name: 'lost', cell: (g) => fmt(g.reduce((s, r) => s + (r.lost || 0), 0)) },
  { name: 'out of order', cell: (g) => fmt(g.reduce((s, r) => s + (r.out_of_order || 0), 0)) },
  ...cpu,
  { name: 'server µs/delivery', cell: perDelivery('server_cpu_pct') },
  { name: 'loadgen µs/delivery', cell: perDelivery('loadgen_cpu_pct') },
  { name: 'errors', cell: errors },
], 'fanout');
if (gs) {
  ratios(gs, 'deliveries_per_s', 'deliveries/s');
  const r = ratio(gs, 'deliveries_per_s', 'sockd', 'nats');
  target('fanout deliveries/s ≥ nats-server\'s', r === undefined ? undefined : r >= 1);
  const w = ratio(gs, 'deliveries_per_s', 'sockd-wss', 'nats-wss');
  if (w !== undefined) {
    target('fanout over wss: deliveries/s ≥ nats-server\'s', w >= 1);
  }
}

gs = table('rooms: 1,000 topics × 4 subscribers at a fixed rate', [
  { name: 'publishes/s', cell: med('publishes_per_s') },
  { name: 'deliveries/s', cell: med('deliveries_per_s') },
  { name: 'p50 ms', cell: us2ms('latency_us.p50') },
  { name: 'p99 ms', cell: (g) => spread(g.map((r) => get(r, 'latency_us.p99') / 1000), 2) },
  { name: 'max ms', cell: us2ms('latency_us.max') },
  { name: 'lost', cell: (g) => fmt(g.reduce((s, r) => s + (r.lost || 0), 0)) },
  ...cpu,
  { name: 'errors', cell: errors },
], 'rooms');
if (gs) {
  ratios(gs, 'latency_us.p99', 'p99 latency', true);
  const s = gs.get('sockd');
  target('rooms p99 ≤ 1 ms',
         s ? median(s.map((r) => get(r, 'latency_us.p99'))) <= 1000 : undefined);
}

gs = table('conns: idle subscribed connections (ticket + upgrade + subscribe)', [
  { name: 'connected', cell: med('idle_connected') },
  { name: 'connects/s', cell: spr('connects_per_s') },
  { name: 'connect p50 ms', cell: us2ms('connect_latency_us.p50') },
  { name: 'connect p99 ms', cell: us2ms('connect_latency_us.p99') },
  { name: 'RSS before MiB', cell: (g) => fmt(median(g.map((r) => r.rss_before_kib)) / 1024, 1) },
  { name: 'RSS after MiB', cell: (g) => fmt(median(g.map((r) => r.rss_after_kib)) / 1024, 1) },
  { name: 'RSS bytes/conn', cell: spr('rss_per_conn_bytes') },
  ...cpu,
  { name: 'errors', cell: errors },
], 'conns');
if (gs) {
  ratios(gs, 'connects_per_s', 'connects/s');
  ratios(gs, 'rss_per_conn_bytes', 'RSS per connection', true);
  const s = gs.get('sockd');
  target('≥ 15,000 connections/s (ticket + upgrade + subscribe)',
         s ? median(s.map((r) => r.connects_per_s)) >= 15000 : undefined);
  target('≤ 4 KiB server RSS per idle subscribed connection at 18,000',
         s ? median(s.map((r) => r.rss_per_conn_bytes)) <= 4096
             && median(s.map((r) => r.idle_connected)) >= 18000 : undefined);
}

gs = table('storm: every client drops and reconnects at once', [
  { name: 'clients', cell: med('clients') },
  { name: 'back', cell: med('back') },
  { name: 'all back s', cell: spr('all_back_s', 2) },
  { name: 'back within 5 s', cell: med('back_within_5s') },
  { name: 'attempts', cell: med('attempts') },
  { name: '429/503', cell: med('refused_429_503') },
  { name: 'other errors', cell: med('other_errors') },
  ...cpu,
  { name: 'errors', cell: errors },
], 'storm');
if (gs) {
  ratios(gs, 'all_back_s', 'time until all are back', true);
  const s = gs.get('sockd');
  target('storm: all 5,000 back within 5 s, no error but 429/503',
         s ? s.every((r) => r.clients >= 5000
                        && r.all_back_s !== undefined && r.all_back_s <= 5
                        && r.back === r.clients && (r.other_errors || 0) === 0)
           : undefined);
}

if (targets.length > 0) {
  say('### Targets (sockd)');
  say();
  say('| target | verdict |');
  say('|---|---|');
  for (const t of targets) say(t);
  say();
}

process.stdout.write(`${out.join('\n')}\n`);
