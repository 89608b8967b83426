// What the Awayto test reads from its pages (test/awayto/page/app.mjs
// keeps a log of every frame in and out and of every connection attempt)
// and the frames it expects.
import assert from 'node:assert/strict';

/// The SocketActions numbers the test looks at.
export const A = { SUBSCRIBE: 8, UNSUBSCRIBE: 9, LOAD_SUBSCRIBERS: 10,
                   LOAD_MESSAGES: 6, HAS_MORE_MESSAGES: 7, TEXT: 12,
                   UNSUBSCRIBE_TOPIC: 4 };
const NAMES = Object.fromEntries(Object.entries(A).map(([k, v]) => [v, k]));

export const snap = (page) => page.evaluate(() => window.awayto.snapshot());

/// Waits until `pred(snapshot, arg)` (evaluated in the page) holds.
export const until = (page, pred, arg) => page.waitForFunction(
  ([src, a]) => (0, eval)(src)(window.awayto.snapshot(), a),
  [pred.toString(), arg], { polling: 50 });

/// Frames of connection `cid` in direction `dir`, keepalives left out.
export const wire = (s, cid, dir) => s.log.filter((e) => e.cid === cid
  && e.dir === dir && e.frame.payload !== 'PING' && e.frame.payload !== 'PONG')
  .map((e) => e.frame);

/// `user` ({sub, first, last, role}) in the hook's user list: initials and
/// role from participant_query, the colour the hook picked.
export const person = (user, cids, online) => ({
  scid: user.sub, cids, name: user.first[0] + user.last[0], role: user.role,
  color: 'hsl(0, 0%, 90%)', exists: true, online,
});

/// A user list as sockd sends it (no colour: the client picks one).
export const asSent = (list) => Object.fromEntries(Object.entries(list)
  .map(([k, v]) => [k, { ...v, color: '' }]));

/// Asserts that `f` is what Awayto's transmit sends on `topic` (the time is
/// the browser's toUTCString, the action's name beside its number).
export const awaytoFrame = (topic) => (f, cid, store, action, payload) => {
  const expected = { timestamp: f.timestamp, sender: cid, store, action,
                     actionName: NAMES[action], topic };
  if (payload !== undefined) expected.payload = payload;
  assert.deepEqual(f, expected);
  assert.match(f.timestamp, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
};

/// The stored frame `f` as history replays it.
export const replay = ({ store, ...f }) => ({ ...f, historical: true });

/// alice or bob types `text`: stored (say) or not (whisper); resolves with
/// the frame the other one received.
export async function send(from, to, how, text) {
  await from.page.evaluate(([fn, t]) => window.awayto[fn](t), [how, text]);
  await until(to.page, (s, t) => s.log.some((e) => e.frame.payload?.message
    === t), text);
  await until(from.page, (s, t) => s.log.some((e) => e.dir === 'in'
    && e.frame.payload?.message === t), text);
  const got = (await snap(to.page)).log.filter((e) => e.dir === 'in'
    && e.frame.payload?.message === text);
  assert.equal(got.length, 1, `${text}: once`);
  return got[0].frame;
}

/// Waits until `user`'s page, after its first `n` events, has opened a new
/// socket and had page 1 of the history replayed on it; resolves with the
/// snapshot.
export async function rejoined(user, n) {
  await until(user.page, (s, k) => {
    const open = s.events.slice(k).find((e) => e.what === 'open');
    return open && s.log.some((e) => e.cid === open.cid && e.dir === 'in'
                                     && e.frame.action === 7);
  }, n);
  return snap(user.page);
}
