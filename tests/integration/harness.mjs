// The module every integration test imports (`import * as h from
// './harness.mjs'`): a throwaway PostgreSQL cluster, the real sockd binary,
// JWT minting, tickets over HTTP and a WebSocket client whose frames can be
// awaited one predicate at a time. Each job has its own module in harness/;
// this one re-exports them and holds the helpers that combine them.
//
// Every wait has a timeout, and everything started here is also torn down on
// process exit (harness/exit.mjs), so a failing test never leaves a server
// behind.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, afterEach, before } from 'node:test';

import { closeAllClients, openSocket } from './harness/client.mjs';
import { startCluster } from './harness/cluster.mjs';
import { SECRET } from './harness/constants.mjs';
import { getTicket } from './harness/http.mjs';
import { userToken } from './harness/jwt.mjs';
import { startPostgres } from './harness/postgres.mjs';
import { allow, startSockd } from './harness/sockd.mjs';

export { Client, closeAllClients, openSocket } from './harness/client.mjs';
export { liveLine, startCluster } from './harness/cluster.mjs';
export { ISO_MS_RE, SCHEMA, SECRET, TICKET_RE, UUID_RE }
  from './harness/constants.mjs';
export { isAck, isError, isLeft, isRelay, isReply }
  from './harness/frame_match.mjs';
export { getTicket, request } from './harness/http.mjs';
export { hs256Token, noneToken, nowSeconds, rs256Token, rsaKeyPair, userToken }
  from './harness/jwt.mjs';
export { sqlString, startPostgres } from './harness/postgres.mjs';
export { allow, runSockd, startSockd, waitReady } from './harness/sockd.mjs';
export { resolveTls, testCertificates, tlsModeOn } from './harness/tls.mjs';
export { eventually, freePort, sleep, within } from './harness/util.mjs';

/// One PostgreSQL and one sockd (started with `args`) for a whole test
/// file, `allowances` rows granted: started before the first test, clients
/// closed after each, both stopped after the last. `beforeStart(pg)` runs
/// between the two starts (tables sockd must find); `cleanExit` asserts
/// that sockd exits with 0 (under ASan/UBSan a report makes it non-zero).
/// `tls` as for startSockd (default: plain unless SOCKD_TEST_TLS=1).
/// Tests read `server.sockd` and `server.pg` of the returned object.
export function useServer({ args = {}, allowances = [], beforeStart,
                            cleanExit = false, tls } = {}) {
  const server = { pg: null, sockd: null };
  before(async () => {
    server.pg = await startPostgres();
    if (beforeStart) await beforeStart(server.pg);
    server.sockd = await startSockd({ databaseUrl: server.pg.url, args, tls });
    if (allowances.length > 0) await allow(server.pg, allowances);
  });
  afterEach(() => closeAllClients());
  after(async () => {
    closeAllClients();
    let code = 0;
    if (server.sockd) {
      code = await server.sockd.stop().catch(() => server.sockd.kill());
    }
    if (server.pg) await server.pg.cleanup();
    if (cleanExit) {
      assert.equal(code, 0, server.sockd ? server.sockd.log().slice(-4000) : '');
    }
  });
  return server;
}

/// One PostgreSQL and a cluster of sockd processes (startCluster's
/// `names`, `seeds` and `args`) for a whole test file, like useServer.
/// `beforeStart()` runs before the nodes start, `afterStart(nodes)` once
/// they all see each other (node:test does not wait for one root-level
/// `before` to end before the next begins, so they run inside this one).
/// Tests read `cluster.pg` and `cluster.nodes` (name -> sockd) of the
/// returned object.
export function useCluster({ names, seeds, args, beforeStart, afterStart }) {
  const cluster = { pg: null, nodes: {} };
  before(async () => {
    cluster.pg = await startPostgres();
    if (beforeStart) await beforeStart();
    await startCluster({ databaseUrl: cluster.pg.url, names, seeds, args,
                         nodes: cluster.nodes });
    if (afterStart) await afterStart(cluster.nodes);
  });
  afterEach(() => closeAllClients());
  after(async () => {
    closeAllClients();
    for (const sockd of Object.values(cluster.nodes)) {
      await sockd.stop().catch(() => sockd.kill());
    }
    if (cluster.pg) await cluster.pg.cleanup();
  });
  return cluster;
}

/// Ticket + upgrade for `sub` with a fresh HS256 token.
export async function connect(sockd, sub, opts = {}) {
  const res = await getTicket(sockd, userToken(sub, sockd.secret || SECRET),
                              { path: opts.ticketPath });
  if (res.status !== 200) {
    throw new Error(`ticket for ${sub}: HTTP ${res.status} ${res.text}`);
  }
  const client = await openSocket(sockd, res.body.ticket, opts);
  client.sub = sub;
  return client;
}

/// Expects `promise` (an openSocket) to be refused; returns the error.
export async function refused(promise) {
  try {
    const client = await promise;
    client.terminate();
  } catch (err) {
    return err;
  }
  throw new Error('expected the upgrade to be refused, but it succeeded');
}

/// Connects each sub to `sockd` and joins `topic` with all of them.
export async function joined(sockd, topic, ...subs) {
  const clients = [];
  for (const sub of subs) {
    const c = await connect(sockd, sub);
    await c.subscribe(topic);
    clients.push(c);
  }
  return clients;
}

/// A topic name unique to this run.
export function uniqueTopic(type = 'chat') {
  return `${type}:${crypto.randomUUID()}`;
}
