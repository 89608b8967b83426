// The Node side of the Awayto test: a small server for the page (Awayto's
// web app, on an origin of its own), dev tokens, and Awayto's tables with
// two people and one booking.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { request } from '../../../../tests/integration/harness.mjs';

const PAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)),
                           'page');

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

/// A token for `sub` from dev mode's `POST /dev/token` of `sockd` (what
/// Keycloak does for Awayto).
export async function devToken(sockd, sub) {
  const res = await request(sockd, {
    method: 'POST', path: '/dev/token', body: JSON.stringify({ sub }),
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
