// Row 4 of issue 11: a process on the cluster port. Before, one that said
// `hello` with a live node's name replaced that node's gateway and then
// redeemed the tickets it minted itself, for any user. Now (docs/cluster.md,
// docs/security.md "Cluster: mutual TLS between nodes"):
//   - a TLS cluster admits only processes with a certificate of its CA:
//     a node of another CA, a node without TLS and raw bytes all fail the
//     handshake, and their tickets are refused on every member;
//   - on a plain (loopback) cluster a hello with a live node's name is
//     refused, and tickets minted by the impostor are refused;
//   - certificate files are checked at start, with the option named.
// Each abuse runs with a bystander pair chatting on the attacked node.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';

import * as abuse from './abuse.mjs';
import * as certs from './cluster_certs.mjs';
import * as h from './harness.mjs';

const T = { timeout: 60000 };

let pg;
let dir;
let ca;      // the cluster's CA
let otherCa; // an unrelated CA
const tls = {}; // name -> sockd, the TLS cluster (node1, node2)
const ports = {};
const started = [];

const address = (port) => `127.0.0.1:${port}`;
const liveLine = (names) =>
  new RegExp(`cluster: live nodes ${names.join(',')}\\n`);
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/// Every "live nodes" line `sockd` logged, in order.
function views(sockd) {
  return [...sockd.log().matchAll(/cluster: live nodes (\S+)\n/g)]
    .map((m) => m[1]);
}

async function start(args, opts = {}) {
  const sockd = await h.startSockd({
    databaseUrl: pg.url,
    ...opts,
    args: { 'allowance.chat': 'SELECT true', ...args },
  });
  started.push(sockd);
  return sockd;
}

before(async () => {
  pg = await h.startPostgres();
  dir = certs.certDir();
  ca = certs.makeCa(dir.dir, 'cluster-ca');
  otherCa = certs.makeCa(dir.dir, 'other-ca');
  for (const name of ['node1', 'node2']) ports[name] = await h.freePort();
  for (const name of ['node1', 'node2']) {
    tls[name] = await start({
      node_name: name,
      cluster_listen: address(ports[name]),
      cluster_seeds: name === 'node2' ? address(ports.node1) : '',
      ...certs.tlsArgs(certs.makeNodeCert(dir.dir, ca, name), ca),
    });
  }
  await Promise.all(Object.values(tls).map((sockd) =>
    sockd.waitForLog(liveLine(['node1', 'node2']), 15000)));
});

afterEach(() => h.closeAllClients());

after(async () => {
  h.closeAllClients();
  for (const sockd of started) await sockd.stop().catch(() => sockd.kill());
  if (pg) await pg.cleanup();
  if (dir) dir.cleanup();
});

/// Opens a TCP connection to `port`, sends a plain (non-TLS) BASP-like
/// header and junk, and resolves once the node closes it (5 s at most).
function plainAttempt(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      const header = Buffer.alloc(32);
      header[0] = 1; // BASP operation: client handshake
      s.write(Buffer.concat([header, Buffer.alloc(1024, 0x41)]));
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('the cluster port kept a plain connection open'));
    }, 5000);
    s.on('error', () => {}); // a reset is a close too
    s.on('close', () => { clearTimeout(timer); resolve(true); });
  });
}

/// Runs `abuseFn` with a bystander pair chatting on `sockd`; asserts that
/// every bystander message was delivered and logs their latencies.
async function withBystander(sockd, label, abuseFn) {
  const by = await abuse.bystander(sockd, h.uniqueTopic('chat'));
  by.start();
  try {
    await abuseFn();
  } finally {
    const stats = await by.stop();
    console.log(`${label}: bystander`, abuse.summary(stats.latencies));
    assert.ok(stats.delivered > 0, 'the bystander pair kept talking');
    assert.equal(stats.delivered, stats.sent);
  }
}

/// A ticket that `sockd` issues for `sub` (status 200 asserted).
async function ticketFrom(sockd, sub) {
  const res = await h.getTicket(sockd, h.userToken(sub));
  assert.equal(res.status, 200, res.text);
  return res.body.ticket;
}

/// The TLS cluster is as before: both alive, neither ever lost the other
/// (a failed handshake must not disturb the connections that work), and a
/// ticket from one member still opens a socket on the other.
async function clusterIntact() {
  for (const sockd of Object.values(tls)) {
    assert.ok(abuse.alive(sockd.process.pid));
    // Its own name first, then the pair, and no change since.
    assert.deepEqual(views(sockd).slice(1), ['node1,node2'], sockd.log());
    assert.doesNotMatch(sockd.log(), /lost node/);
  }
  const c = await h.openSocket(tls.node1, await ticketFrom(tls.node2, 'tess'));
  c.terminate();
}

test('certificate files are checked at start, naming the option', T,
     async () => {
  const good = certs.makeNodeCert(dir.dir, ca, 'node7');
  const foreign = certs.makeNodeCert(dir.dir, otherCa, 'node7');
  const other = certs.makeNodeCert(dir.dir, ca, 'node6');
  const cases = [
    [{ cluster_tls_cert: `${dir.dir}/missing.pem` },
     /cluster_tls_cert: cannot read '.*missing\.pem': No such file/],
    [{ cluster_tls_key: good.cert },
     /cluster_tls_key '.*': not a PEM private key/],
    [{ cluster_tls_key: other.key },
     /cluster_tls_key '.*': does not match the certificate in cluster_tls_cert/],
    [{ cluster_tls_ca: good.key },
     /cluster_tls_ca '.*': no PEM certificate in it/],
    [{ cluster_tls_cert: foreign.cert, cluster_tls_key: foreign.key },
     /cluster_tls_cert '.*': not signed by the cluster CA/],
    [{ node_name: 'node6' },
     /cluster_tls_cert '.*': the certificate is for 'node7', not for 'node6'/],
  ];
  for (const [override, expected] of cases) {
    const args = {
      node_name: 'node7',
      cluster_listen: '127.0.0.1:1',
      ...certs.tlsArgs(good, ca),
      jwt_secret: h.SECRET,
      database_url: pg.url,
      ...override,
    };
    const { code, output } = await h.runSockd(
      Object.entries(args).map(([k, v]) => `--${k}=${v}`));
    assert.equal(code, 2, output);
    assert.match(output, expected);
  }
});

test('removing the certificate files after start takes no node down', T,
     async () => {
  // CAF re-reads its files for every connection and aborted when they were
  // gone; sockd gives it in-memory copies of what it checked at start.
  const own = path.join(dir.dir, 'node5');
  fs.mkdirSync(own);
  const made = certs.makeNodeCert(dir.dir, ca, 'node5');
  const files = {
    cert: path.join(own, 'node5.pem'),
    key: path.join(own, 'node5.key'),
    ca: path.join(own, 'ca.pem'),
  };
  fs.copyFileSync(made.cert, files.cert);
  fs.copyFileSync(made.key, files.key);
  fs.copyFileSync(ca.cert, files.ca);
  const port = await h.freePort();
  const node5 = await start({
    node_name: 'node5',
    cluster_listen: address(port),
    cluster_tls_cert: files.cert,
    cluster_tls_key: files.key,
    cluster_tls_ca: files.ca,
  }, { schema: 'node5' });
  fs.rmSync(own, { recursive: true });
  // A new connection makes CAF load its files: a stranger's, then a member
  // that joins only now.
  assert.equal(await plainAttempt(port), true);
  const peer = await start({
    node_name: 'node6',
    cluster_listen: address(await h.freePort()),
    cluster_seeds: address(port),
    ...certs.tlsArgs(certs.makeNodeCert(dir.dir, ca, 'node6'), ca),
  }, { schema: 'node5' });
  await node5.waitForLog(liveLine(['node5', 'node6']), 10000);
  await peer.waitForLog(liveLine(['node5', 'node6']), 10000);
  assert.ok(abuse.alive(node5.process.pid));
  await peer.stop();
  assert.equal(await node5.stop(), 0);
});

test('a node with a certificate of another CA cannot join', T, async () => {
  const port = await h.freePort();
  let outsider;
  await withBystander(tls.node1, 'other CA', async () => {
    // It shares the node table, so the members dial it too.
    outsider = await start({
      node_name: 'node9',
      cluster_listen: address(port),
      cluster_seeds: address(ports.node1),
      ...certs.tlsArgs(certs.makeNodeCert(dir.dir, otherCa, 'node9'), otherCa),
    });
    // Neither direction completes the handshake.
    await outsider.waitForLog(new RegExp(
      `cluster: cannot reach ${escape(address(ports.node1))}: `), 10000);
    await tls.node1.waitForLog(new RegExp(
      `cluster: cannot reach ${escape(address(port))}: `), 10000);
    await tls.node2.waitForLog(new RegExp(
      `cluster: cannot reach ${escape(address(port))}: `), 10000);
    // Its tickets, for any user, open nothing on the members.
    const minted = await ticketFrom(outsider, 'victim-admin');
    for (const sockd of Object.values(tls)) {
      const err = await h.refused(h.openSocket(sockd, minted));
      assert.equal(err.status, 401);
    }
  });
  assert.deepEqual(views(outsider), ['node9']);
  assert.doesNotMatch(tls.node1.log(), /node node9 joined/);
  await clusterIntact();
  await outsider.stop();
});

test('a node without TLS cannot join a TLS cluster', T, async () => {
  const port = await h.freePort();
  let outsider;
  await withBystander(tls.node1, 'no TLS', async () => {
    outsider = await start({
      node_name: 'node8',
      cluster_listen: address(port), // plain BASP: loopback allows it
      cluster_seeds: address(ports.node1),
    });
    await outsider.waitForLog(/INFO cluster: plain BASP on loopback/, 5000);
    await outsider.waitForLog(new RegExp(
      `cluster: cannot reach ${escape(address(ports.node1))}: `), 10000);
    await tls.node1.waitForLog(new RegExp(
      `cluster: cannot reach ${escape(address(port))}: `), 10000);
    const minted = await ticketFrom(outsider, 'victim-admin');
    const err = await h.refused(h.openSocket(tls.node1, minted));
    assert.equal(err.status, 401);
  });
  assert.deepEqual(views(outsider), ['node8']);
  // Its plain BASP hello never got past the TLS handshake.
  assert.doesNotMatch(tls.node1.log(), /hello from|node node8 joined/);
  await clusterIntact();
  await outsider.stop();
});

test('raw bytes on the TLS cluster port fail the handshake', T, async () => {
  await withBystander(tls.node1, 'raw bytes', async () => {
    // 100 connections, each sending what a plain BASP peer would start
    // with (a 32-byte header) and then junk; the TLS layer drops each one.
    // Every 10th, a ticket crosses from node2 to node1 over the node
    // connection the failed handshakes must leave alone.
    for (let i = 1; i <= 100; ++i) {
      const closed = await plainAttempt(ports.node1);
      assert.equal(closed, true);
      if (i % 10 === 0) {
        const c = await h.openSocket(tls.node1,
                                     await ticketFrom(tls.node2, `t${i}`));
        c.terminate();
      }
    }
  });
  await clusterIntact();
});

test('plain loopback cluster: a hello with a live node\'s name changes nothing',
     T, async () => {
  // Row 4 as reported, on a cluster without TLS: an impostor calls itself
  // pnode2 while pnode2 is live.
  const p = { pnode1: await h.freePort(), pnode2: await h.freePort() };
  const plain = {};
  for (const name of ['pnode1', 'pnode2']) {
    plain[name] = await start({
      node_name: name,
      cluster_listen: address(p[name]),
      cluster_seeds: name === 'pnode2' ? address(p.pnode1) : '',
    }, { schema: 'plainc' });
  }
  await Promise.all(Object.values(plain).map((sockd) =>
    sockd.waitForLog(liveLine(['pnode1', 'pnode2']), 15000)));
  let rogue;
  await withBystander(plain.pnode1, 'plain impostor', async () => {
    rogue = await start({
      node_name: 'pnode2',
      cluster_listen: address(await h.freePort()),
      cluster_seeds: address(p.pnode1),
      cluster_insecure: true,
    }, { schema: 'rogue' });
    await rogue.waitForLog(/WARN cluster: cluster_insecure: plain BASP/, 5000);
    await plain.pnode1.waitForLog(
      /WARN cluster: refused hello from 127\.0\.0\.1:\d+ as pnode2: node pnode2 is connected and live/,
      10000);
    await rogue.waitForLog(new RegExp(
      `cluster: cannot reach ${escape(address(p.pnode1))}: .*refused`), 10000);
    // What the impostor mints is refused; the real pnode2's tickets work.
    const minted = await ticketFrom(rogue, 'victim-admin');
    const err = await h.refused(h.openSocket(plain.pnode1, minted));
    assert.equal(err.status, 401);
    const real = await h.openSocket(plain.pnode1,
                                    await ticketFrom(plain.pnode2, 'tess'));
    real.terminate();
  });
  assert.deepEqual(views(plain.pnode1), ['pnode1', 'pnode1,pnode2']);
  assert.doesNotMatch(plain.pnode1.log(), /replaces its predecessor/);
  assert.ok(abuse.alive(plain.pnode1.process.pid));
  await rogue.stop();
  for (const sockd of Object.values(plain)) await sockd.stop();
});
