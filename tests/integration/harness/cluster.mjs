// Several real sockd processes on loopback in one cluster: each gets a free
// cluster port, and the start is over when every node sees all of them live.
import { startSockd } from './sockd.mjs';
import { freePort } from './util.mjs';

/// The log line of a node that sees exactly `names` live.
export const liveLine = (names) =>
  new RegExp(`cluster: live nodes ${names.join(',')}\\n`);

/// Starts one sockd per name of `names` into `nodes` (name -> sockd), in
/// that order, against `databaseUrl`. `seeds(address)` gives every name its
/// cluster_seeds, `address(name)` being that node's cluster address;
/// `args(name)` adds options. The rate limit is lifted: the tests send
/// bursts.
export async function startCluster({ databaseUrl, names, seeds,
                                     args = () => ({}), nodes = {} }) {
  const ports = {};
  for (const name of names) ports[name] = await freePort();
  const address = (name) => `127.0.0.1:${ports[name]}`;
  const seedsOf = seeds(address);
  for (const name of names) {
    nodes[name] = await startSockd({
      databaseUrl,
      args: {
        node_name: name,
        cluster_listen: address(name),
        cluster_seeds: seedsOf[name],
        messages_per_second: 100000,
        messages_burst: 100000,
        ...args(name),
      },
    });
  }
  await Promise.all(names.map((name) =>
    nodes[name].waitForLog(liveLine(names), 15000)));
  return nodes;
}
