// The Node side of the Awayto test: a throwaway CA and server certificate
// (openssl, as docs/operations.md tells operators), the SPKI hash Chromium
// is told to trust, a small server for the page (Awayto's web app, on an
// origin of its own), Awayto's tables with two people and one booking, and
// plain HTTP(S) requests that trust that CA.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { makeCa } from '../../../../tests/integration/cluster_certs.mjs';

const PAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)),
                           'page');

/// A CA and a certificate for 127.0.0.1 signed by it, in `dir`:
/// `{ca, cert, key, spki}`; `spki` is the base64 SHA-256 of the
/// certificate's public key, for --ignore-certificate-errors-spki-list.
export function makeServerCert(dir) {
  const ca = makeCa(dir, 'awayto-test');
  const base = path.join(dir, 'server');
  fs.writeFileSync(`${base}.ext`, [
    'subjectAltName=IP:127.0.0.1',
    'extendedKeyUsage=serverAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'basicConstraints=CA:FALSE',
  ].join('\n'));
  const run = (args) => execFileSync('openssl', args,
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20000 });
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
       '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`,
       '-subj', '/CN=127.0.0.1']);
  run(['x509', '-req', '-in', `${base}.csr`, '-CA', ca.cert, '-CAkey', ca.key,
       '-CAcreateserial', '-out', `${base}.pem`, '-days', '2',
       '-extfile', `${base}.ext`]);
  const x509 = new crypto.X509Certificate(fs.readFileSync(`${base}.pem`));
  const der = x509.publicKey.export({ type: 'spki', format: 'der' });
  return {
    ca: ca.cert, cert: `${base}.pem`, key: `${base}.key`,
    spki: crypto.createHash('sha256').update(der).digest('base64'),
  };
}

const TYPES = { '.html': 'text/html; charset=utf-8',
                '.mjs': 'text/javascript; charset=utf-8' };

/// Serves page/ on a free loopback port, over HTTPS with `tls` ({cert,
/// key}), else plain: `{origin, close()}`.
export async function startPageServer(tls) {
  const handler = (req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '');
    const file = path.join(PAGE_DIR, name || 'index.html');
    const type = TYPES[path.extname(file)];
    if (!type || path.dirname(file) !== PAGE_DIR || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(fs.readFileSync(file));
  };
  const server = tls
    ? https.createServer({ cert: fs.readFileSync(tls.cert),
                           key: fs.readFileSync(tls.key) }, handler)
    : http.createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

/// `{status, body}` of a request to `url`, trusting `ca` (a PEM file) for
/// https.
export function fetchJson(url, { method = 'GET', body, headers = {}, ca } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const opts = { method, headers, agent: false, timeout: 10000 };
  if (ca) opts.ca = fs.readFileSync(ca);
  return new Promise((resolve, reject) => {
    const req = mod.request(u, opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, body: json, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/// A token for `sub` from dev mode's `POST /dev/token` (Keycloak's part).
export async function devToken(base, sub, ca) {
  const res = await fetchJson(`${base}/dev/token`, {
    method: 'POST', body: JSON.stringify({ sub }), ca,
    headers: { 'Content-Type': 'application/json' },
  });
  if (res.status !== 200) {
    throw new Error(`POST /dev/token: HTTP ${res.status} ${res.text}`);
  }
  return res.body.token;
}

/// Awayto's participant details (docs/client.md, "Using Awayto's own
/// client"): initials and role name of the user.
export const PARTICIPANT_QUERY = (schema) => `
SELECT LEFT(u.first_name, 1) || LEFT(u.last_name, 1) AS name, r.name AS role
FROM ${schema}.users u
JOIN ${schema}.group_users gu ON gu.user_id = u.id
JOIN ${schema}.group_roles gr ON gr.external_id = gu.external_id
JOIN ${schema}.roles r ON r.id = gr.role_id
WHERE u.sub = $1::uuid`;

/// The part of Awayto's schema the socket server reads: a booking whose
/// quote `quoter` made and whose schedule bracket slot `provider` owns, the
/// two users and their roles. Before sockd starts, so exchange/0..2 use
/// Awayto's booking rule.
export async function awaytoTables(pg, schema, { booking, quoter, provider }) {
  const [q, s, g1, g2, r1, r2] = Array.from({ length: 6 },
                                            () => crypto.randomUUID());
  await pg.psql(`
    CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.users (id uuid PRIMARY KEY, sub uuid UNIQUE NOT NULL,
      first_name text, last_name text);
    CREATE TABLE ${schema}.roles (id uuid PRIMARY KEY, name text NOT NULL);
    CREATE TABLE ${schema}.group_roles (id uuid PRIMARY KEY,
      role_id uuid NOT NULL REFERENCES ${schema}.roles (id),
      external_id text NOT NULL);
    CREATE TABLE ${schema}.group_users (id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES ${schema}.users (id),
      external_id text NOT NULL);
    CREATE TABLE ${schema}.quotes (id uuid PRIMARY KEY, created_sub uuid NOT NULL);
    CREATE TABLE ${schema}.schedule_bracket_slots (
      id uuid PRIMARY KEY, created_sub uuid NOT NULL);
    CREATE TABLE ${schema}.bookings (id uuid PRIMARY KEY,
      quote_id uuid NOT NULL REFERENCES ${schema}.quotes (id),
      schedule_bracket_slot_id uuid NOT NULL
        REFERENCES ${schema}.schedule_bracket_slots (id));
    INSERT INTO ${schema}.users VALUES
      ('${crypto.randomUUID()}', '${quoter.sub}', '${quoter.first}', '${quoter.last}'),
      ('${crypto.randomUUID()}', '${provider.sub}', '${provider.first}', '${provider.last}');
    INSERT INTO ${schema}.roles VALUES ('${r1}', 'Client'), ('${r2}', 'Staff');
    INSERT INTO ${schema}.group_roles VALUES ('${crypto.randomUUID()}', '${r1}', 'kc-${g1}'),
                                             ('${crypto.randomUUID()}', '${r2}', 'kc-${g2}');
    INSERT INTO ${schema}.group_users
      SELECT '${crypto.randomUUID()}', id, 'kc-${g1}' FROM ${schema}.users WHERE sub = '${quoter.sub}';
    INSERT INTO ${schema}.group_users
      SELECT '${crypto.randomUUID()}', id, 'kc-${g2}' FROM ${schema}.users WHERE sub = '${provider.sub}';
    INSERT INTO ${schema}.quotes VALUES ('${q}', '${quoter.sub}');
    INSERT INTO ${schema}.schedule_bracket_slots VALUES ('${s}', '${provider.sub}');
    INSERT INTO ${schema}.bookings VALUES ('${booking}', '${q}', '${s}');`);
}
