// Turns bench/cluster.sh's raw results (one JSON object per line: one
// scenario against one group of servers, "sockd x3", "nats x1", ...) into
// the Markdown tables of docs/performance.md, "The cluster": medians over
// runs with [min–max] ranges.
//
//   node bench/cluster_summary.mjs cluster.jsonl [machine.txt]
import fs from 'node:fs';

import { fmt, median, nums, readArgs } from './results.mjs';

const { runs, machinePath } = readArgs('bench/cluster_summary.mjs', 'cluster.jsonl');

// "median [min–max]" of f over the runs.
function spread(rs, f, digits = 0) {
  const v = nums(rs.map(f));
  if (v.length === 0) return 'n/a';
  const m = fmt(median(v), digits);
  return v.length === 1 ? m : `${m} [${fmt(v[0], digits)}–${fmt(v.at(-1), digits)}]`;
}

const order = ['sockd x1', 'sockd x3', 'nats x1', 'nats x3'];
const setups = (rs) => [...new Set(rs.map((r) => r.server))]
  .sort((a, b) => (order.indexOf(a) + 99) % 99 - (order.indexOf(b) + 99) % 99
         || a.localeCompare(b));
const of = (scenario) => runs.filter((r) => r.scenario === scenario);

// Server CPU (all nodes) per delivery, in microseconds.
const cpuPerDelivery = (r) => (r.server_cpu_pct !== undefined && r.deliveries_per_s
  ? (r.server_cpu_pct / 100) * 1e6 / r.deliveries_per_s : undefined);
const crossPerBroadcast = (r) => (r.broadcasts > 0 && r.nodes > 1
  ? r.cross_node_messages / r.broadcasts : undefined);
const errors = (r) => Object.entries(r.errors ?? {})
  .filter(([k]) => !k.startsWith('lost:'))
  .reduce((n, [, v]) => n + v, 0);

const out = [];
if (machinePath) {
  out.push('```', fs.readFileSync(machinePath, 'utf8').trim(), '```', '');
}

function deliveryTable(scenario, title) {
  const rs = of(scenario);
  if (rs.length === 0) return;
  out.push(`### ${title}`, '',
    '| servers | runs | deliveries/s | server CPU % (all nodes) | CPU µs/delivery | latency p50 µs | latency p99 µs | cross-node msgs/broadcast | others\' CPU % | errors |',
    '|---|---|---|---|---|---|---|---|---|---|');
  for (const s of setups(rs)) {
    const g = rs.filter((r) => r.server === s);
    const cross = nums(g.map(crossPerBroadcast));
    out.push(`| ${s} | ${g.length} | ${spread(g, (r) => r.deliveries_per_s)}`
      + ` | ${spread(g, (r) => r.server_cpu_pct)}`
      + ` | ${spread(g, cpuPerDelivery, 2)}`
      + ` | ${spread(g, (r) => r.latency_us?.p50)}`
      + ` | ${spread(g, (r) => r.latency_us?.p99)}`
      + ` | ${cross.length ? `${fmt(median(cross), 2)} (max ${fmt(cross.at(-1), 2)})` : '–'}`
      + ` | ${spread(g, (r) => r.other_cpu_pct)}`
      + ` | ${g.map(errors).reduce((a, b) => a + b, 0)} |`);
  }
  out.push('');
}

deliveryTable('fanout', 'Fan-out: one topic, publisher on one node');
deliveryTable('rooms', 'Rooms: 1,000 topics × 4, publishers on every node');

const storm = of('storm');
if (storm.length) {
  out.push('### Connection storm: every client drops and reconnects at once', '',
    '| servers | runs | all back (s) | attempts | server CPU % (all nodes) | CPU % per node (median) | tickets redeemed per node (median) | errors |',
    '|---|---|---|---|---|---|---|---|');
  for (const s of setups(storm)) {
    const g = storm.filter((r) => r.server === s);
    const n = Math.max(...g.map((r) => r.node_cpu_pct?.length ?? 0));
    const perNode = [...Array(n).keys()]
      .map((i) => fmt(median(g.map((r) => r.node_cpu_pct?.[i]))));
    const redeemed = [...Array(g[0].redeemed_after?.length ?? 0).keys()]
      .map((i) => fmt(median(g.map((r) => (r.redeemed_after?.[i] ?? NaN)
                                        - (r.redeemed_before?.[i] ?? NaN)))));
    out.push(`| ${s} | ${g.length} | ${spread(g, (r) => r.all_back_s, 2)}`
      + ` | ${spread(g, (r) => r.attempts)}`
      + ` | ${spread(g, (r) => r.server_cpu_pct)}`
      + ` | ${perNode.length ? perNode.join(' / ') : '–'}`
      + ` | ${redeemed.length > 1 ? redeemed.join(' / ') : '–'}`
      + ` | ${g.map(errors).reduce((a, b) => a + b, 0)} |`);
  }
  out.push('');
}

const fail = of('failover');
if (fail.length) {
  out.push('### Failover: kill -9 of the busy topic\'s owner', '',
    'Per run: the time from the SIGKILL until every surviving subscriber'
    + ' received a message published after it (max over subscribers) and'
    + ' until half of them had (p50); then medians [min–max] over runs.', '',
    '| servers | runs | every survivor again (ms) | max over runs (ms) | half the survivors (ms) | survivors | lost per survivor (max) | publisher ERRORs | out of order | not resumed |',
    '|---|---|---|---|---|---|---|---|---|---|');
  for (const s of setups(fail)) {
    const g = fail.filter((r) => r.server === s);
    const worst = nums(g.map((r) => r.failover_ms_max));
    out.push(`| ${s} | ${g.length} | ${spread(g, (r) => r.failover_ms_max)}`
      + ` | ${worst.length ? fmt(worst.at(-1)) : 'n/a'}`
      + ` | ${spread(g, (r) => r.failover_ms_p50)}`
      + ` | ${spread(g, (r) => r.survivors)}`
      + ` | ${spread(g, (r) => r.lost_per_survivor_max)}`
      + ` | ${spread(g, (r) => r.publisher_errors)}`
      + ` | ${g.reduce((a, r) => a + (r.out_of_order ?? 0), 0)}`
      + ` | ${g.reduce((a, r) => a + (r.errors?.not_resumed ?? 0), 0)} |`);
  }
  out.push('');
}

console.log(out.join('\n'));
