// What the ticket and upgrade tests share: the origins they use, the shape
// of a refusal's body, and a ticket that must be handed out.
import assert from 'node:assert/strict';

import * as h from './harness.mjs';

export const APP = 'https://app.example';
export const OTHER = 'https://other.example';
export const EVIL = 'https://evil.example';

/// A refusal's body: exactly {"error":{"code","message"}}.
export function assertErrorBody(body, code, what) {
  assert.ok(body && typeof body === 'object', `${what}: JSON body`);
  assert.deepEqual(Object.keys(body), ['error'], what);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message'], what);
  assert.equal(body.error.code, code, what);
  assert.equal(typeof body.error.message, 'string', what);
  assert.ok(body.error.message.length > 0, `${what}: message not empty`);
}

export function assert401(res, what) {
  assert.equal(res.status, 401, `${what}: ${res.status} ${res.text}`);
  assertErrorBody(res.body, 'unauthorized', what);
  assert.match(String(res.headers['content-type']), /application\/json/, what);
}

export async function ticketFor(sockd, sub, opts) {
  const res = await h.getTicket(sockd, h.userToken(sub), opts);
  assert.equal(res.status, 200, res.text);
  return res.body.ticket;
}
