// The SUBSCRIBE path with and without the positive allowance cache
// (db/allowance_cache.hpp): one socket joins N topics for the first time
// (the allowance query runs) and then the same N again (a cached yes), each
// join followed by an UNSUBSCRIBE, so both spawn a fresh topic actor.
// Throwaway PostgreSQL and sockd on loopback, stopped at the end.
//   SOCKD_BIN=build/dev/sockd node bench/subscribe_latency.mjs
import * as h from '../tests/integration/harness.mjs';
const pg = await h.startPostgres();
const sockd = await h.startSockd({ databaseUrl: pg.url, args: { messages_per_second: 100000, messages_burst: 100000 } });
await h.allow(pg, [['m', 'chat:*']]);
const c = await h.connect(sockd, 'm');
const N = 500;
const cycle = async (topic) => {
  const t = process.hrtime.bigint();
  await c.subscribe(topic);
  const dt = Number(process.hrtime.bigint() - t) / 1e3;
  c.send({ action: 9, topic });
  await c.next((f) => f && f.action === 9 && f.topic === topic);
  return dt;
};
const stats = (xs) => { xs.sort((a, b) => a - b); return `median ${xs[xs.length >> 1].toFixed(0)} us, p90 ${xs[Math.floor(xs.length * 0.9)].toFixed(0)} us`; };
for (let i = 0; i < 50; ++i) await cycle(`chat:warm${i}`);
const miss = []; for (let i = 0; i < N; ++i) miss.push(await cycle(`chat:t${i}`));
const hit = []; for (let i = 0; i < N; ++i) hit.push(await cycle(`chat:t${i}`));
console.log(`SUBSCRIBE ack latency, ${N} each: first (query) ${stats(miss)}; repeat (cached yes) ${stats(hit)}`);
c.terminate();
await sockd.stop();
await pg.cleanup();
process.exit(0);
