// TLS on the listen port (docs/operations.md, "TLS certificates"): with
// tls_cert and tls_key the port speaks HTTPS/WSS only, TLS 1.2 and 1.3 with
// ECDHE+AEAD, ALPN http/1.1; bad files stop the start naming the option;
// SIGHUP swaps the certificate for new handshakes while open sockets stay.
// Certificates come from a throwaway CA made here with openssl.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';

import { certDir, makeCa, makeServerCert } from './cluster_certs.mjs';
import * as h from './harness.mjs';

const T = { timeout: 30000 };
const certs = certDir();
let ca;
let first;  // the certificate sockd starts with
let second; // the one a SIGHUP swaps in
// The files sockd is told about; the reload test rewrites them.
const live = { cert: path.join(certs.dir, 'live.pem'),
               key: path.join(certs.dir, 'live.key') };
const server = { pg: null, sockd: null };

before(async () => {
  ca = makeCa(certs.dir, 'tls-test-ca');
  first = makeServerCert(certs.dir, ca, { tag: 'first' });
  second = makeServerCert(certs.dir, ca, { tag: 'second' });
  fs.copyFileSync(first.cert, live.cert);
  fs.copyFileSync(first.key, live.key);
  server.pg = await h.startPostgres();
  server.sockd = await h.startSockd({
    databaseUrl: server.pg.url,
    tls: { cert: live.cert, key: live.key, ca: ca.cert },
  });
  await h.allow(server.pg, [['alice', 'chat:*'], ['bob', 'chat:*']]);
});

after(async () => {
  h.closeAllClients();
  if (server.sockd) await server.sockd.stop().catch(() => server.sockd.kill());
  if (server.pg) await server.pg.cleanup();
  certs.cleanup();
});

/// A TLS handshake with sockd: resolves the connected socket (ended by the
/// caller) or rejects with the handshake's error.
function handshake(options = {}) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1', port: server.sockd.port, servername: 'localhost',
      ca: server.sockd.ca, ...options,
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('handshake timeout')));
  });
}

async function peerCertificate() {
  const socket = await handshake();
  const cert = socket.getPeerCertificate();
  socket.destroy();
  return cert;
}

test('the core flow over https and wss: ticket, upgrade, subscribe, relay, ack',
     T, async () => {
  assert.match(server.sockd.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(server.sockd.log(), /sockd listening on 127\.0\.0\.1:\d+ \(https\/wss\)/);
  const res = await h.getTicket(server.sockd, h.userToken('alice'));
  assert.equal(res.status, 200, res.text);
  assert.match(res.body.ticket, h.TICKET_RE);
  const alice = await h.openSocket(server.sockd, res.body.ticket);
  assert.equal(alice.ws.url.split(':')[0], 'wss');
  const bob = await h.connect(server.sockd, 'bob');
  const topic = h.uniqueTopic();
  await alice.subscribe(topic);
  await bob.subscribe(topic);
  alice.send({ action: 12, topic, payload: { m: 'over tls' }, id: 't-1' });
  for (const c of [alice, bob]) {
    const f = await c.next((x) => x && x.action === 12 && x.topic === topic);
    assert.deepEqual(f.payload, { m: 'over tls' });
    assert.equal(f.sender, alice.cid);
  }
  assert.deepEqual(await alice.next(h.isAck('t-1')),
                   { action: 'ACK', topic, payload: { id: 't-1' } });
});

test('no plain HTTP on a TLS port', T, async () => {
  // The request's bytes are no TLS record: the handshake fails and the
  // socket closes without an HTTP answer.
  const err = await new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: server.sockd.port,
                           path: '/healthz', agent: false },
                         (res) => resolve(new Error(`answered ${res.statusCode}`)));
    req.on('error', resolve);
  });
  // Node reports a close before any answer as ECONNRESET "socket hang up".
  assert.equal(err.code, 'ECONNRESET', err.message);
  const health = await h.request(server.sockd, { path: '/healthz' });
  assert.equal(health.status, 200);
});

test('ALPN: http/1.1 is chosen; a client offering only h2 gets no ALPN', T,
     async () => {
  const both = await handshake({ ALPNProtocols: ['h2', 'http/1.1'] });
  assert.equal(both.alpnProtocol, 'http/1.1');
  both.destroy();
  const h2 = await handshake({ ALPNProtocols: ['h2'] });
  assert.equal(h2.alpnProtocol, false);
  h2.destroy();
});

test('TLS 1.2 with ECDHE and AEAD, TLS 1.3; TLS 1.1 and CBC suites refused', T,
     async () => {
  const v13 = await handshake();
  assert.equal(v13.getProtocol(), 'TLSv1.3');
  v13.destroy();
  const v12 = await handshake({ maxVersion: 'TLSv1.2' });
  assert.equal(v12.getProtocol(), 'TLSv1.2');
  assert.match(v12.getCipher().name, /^ECDHE-ECDSA-(AES(128|256)-GCM|CHACHA20)/);
  v12.destroy();
  // The client is allowed TLS 1.1 (security level 0): the refusal is the
  // server's protocol_version alert.
  const old = await handshake({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1',
                                ciphers: 'DEFAULT@SECLEVEL=0' })
    .then((s) => { s.destroy(); return null; }, (e) => e);
  assert.ok(old, 'TLS 1.1 handshake refused');
  assert.equal(old.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', old.message);
  const cbc = await handshake({ maxVersion: 'TLSv1.2',
                                ciphers: 'ECDHE-ECDSA-AES128-SHA256' })
    .then((s) => { s.destroy(); return null; }, (e) => e);
  assert.ok(cbc, 'a CBC suite is refused');
  assert.equal(cbc.code, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', cbc.message);
});

test('bad TLS options stop the start, naming the option', T, async () => {
  const other = makeServerCert(certs.dir, ca, { tag: 'other' });
  const garbage = path.join(certs.dir, 'garbage.pem');
  fs.writeFileSync(garbage, 'not a certificate\n');
  const missing = path.join(certs.dir, 'missing.pem');
  const cases = [
    [{ tls_cert: first.cert }, /tls_cert is set but tls_key is not/],
    [{ tls_key: first.key }, /tls_key is set but tls_cert is not/],
    [{ tls_cert: missing, tls_key: first.key },
     new RegExp(`tls_cert: cannot read ${missing}: No such file`)],
    [{ tls_cert: first.cert, tls_key: missing },
     new RegExp(`tls_key: cannot read ${missing}: No such file`)],
    [{ tls_cert: first.cert, tls_key: certs.dir },
     new RegExp(`tls_key: cannot read ${certs.dir}: Is a directory`)],
    [{ tls_cert: garbage, tls_key: first.key },
     new RegExp(`tls_cert: ${garbage} holds no PEM certificate chain`)],
    [{ tls_cert: first.cert, tls_key: garbage },
     new RegExp(`tls_key: ${garbage} holds no unencrypted PEM private key`)],
    [{ tls_cert: first.cert, tls_key: first.cert },
     /tls_key: .* holds no unencrypted PEM private key/],
    [{ tls_cert: first.cert, tls_key: other.key },
     new RegExp(`tls_key: ${other.key} does not match the certificate of `
                + `tls_cert ${first.cert}`)],
  ];
  for (const [opts, re] of cases) {
    const argv = [`--jwt_secret=${h.SECRET}`, '--listen=127.0.0.1:0'];
    for (const [k, v] of Object.entries(opts)) argv.push(`--${k}=${v}`);
    const run = await h.runSockd(argv);
    assert.equal(run.code, 2, `${JSON.stringify(opts)}: ${run.output}`);
    assert.match(run.output, re);
    assert.doesNotMatch(run.output, /PRIVATE KEY/);
  }
});

test('SIGHUP: new handshakes get the new certificate, open sockets stay', T,
     async () => {
  assert.equal((await peerCertificate()).serialNumber, first.serial);
  const topic = h.uniqueTopic();
  const before = await h.connect(server.sockd, 'alice');
  await before.subscribe(topic);
  assert.equal(before.ws._socket.getPeerCertificate().serialNumber,
               first.serial);

  // A broken file: the old certificate stays, the error names the option.
  fs.writeFileSync(live.cert, 'broken\n');
  server.sockd.process.kill('SIGHUP');
  await server.sockd.waitForLog(
    /certificate not reloaded, the current one stays: tls_cert: .*live\.pem holds no PEM certificate chain/);
  assert.equal((await peerCertificate()).serialNumber, first.serial);

  fs.copyFileSync(second.cert, live.cert);
  fs.copyFileSync(second.key, live.key);
  server.sockd.process.kill('SIGHUP');
  await server.sockd.waitForLog(/received SIGHUP: reloaded tls_cert and tls_key/);
  const now = await peerCertificate();
  assert.equal(now.serialNumber, second.serial);
  assert.notEqual(second.serial, first.serial);

  // The socket from before the reload still relays, both ways, with a
  // socket from after it.
  const later = await h.connect(server.sockd, 'bob');
  assert.equal(later.ws._socket.getPeerCertificate().serialNumber,
               second.serial);
  await later.subscribe(topic);
  before.send({ action: 12, topic, payload: { m: 'old' } });
  later.send({ action: 12, topic, payload: { m: 'new' } });
  for (const c of [before, later]) {
    for (const m of ['old', 'new']) {
      await c.next((x) => x && x.action === 12 && x.payload && x.payload.m === m);
    }
  }
  assert.ok(before.isOpen);
  assert.equal(server.sockd.exited, null);
});
