// The topic shown: joining and leaving it, and what its frames do to it
// (the join ack, participant lists, leave notices, live and replayed
// messages), plus the requests the page makes in it (history, sending).
// Call frames go to call.mjs.
import { SocketActions as A } from '/client/sockd-client.mjs';

import { hangUp, onCallFrame, onCallLeave } from './call.mjs';
import {
  displayName, renderAll, renderComposer, renderMessages, renderOlder,
  senderOf, showRoomError,
} from './render.mjs';
import { $, describe, MAX_ENTRIES, PAGE_SIZE, session } from './session.mjs';

const saved = window.sessionStorage;

function newRoom(topic) {
  return {
    topic,
    entries: [],            // {kind, key, ts, ...} in display order
    keys: new Set(),        // messages shown, to drop repeated replays
    people: new Map(),      // user id -> participant
    live: new Set(),        // connection ids known to be subscribed now
    mine: new Set(),        // my connection ids, past and present
    listed: false,          // a participant list came since the join
    historyAsked: false,
    page: 1,
    hasMore: false,
    loadingOlder: false,
    refreshAt: 0,
    streams: new Map(),     // connection id -> {peer}: who is in a call
    stop: null,
  };
}

export function join(topic) {
  leave();
  const room = newRoom(topic);
  session.room = room;
  saved.setItem('sockd.topic', topic);
  $('topic-title').textContent = topic;
  $('switch-topic').value = '';
  document.title = `${topic} · sockd demo`;
  showRoomError('');
  room.stop = session.client.subscribe(topic, (frame) => onFrame(room, frame));
  renderAll();
}

export function leave() {
  const room = session.room;
  if (!room) return;
  hangUp(); // while still joined: the peer and the stream list hear of it
  room.stop?.();
  const left = room.topic;
  session.room = null;
  $('topic-title').textContent = 'No topic';
  document.title = 'sockd demo';
  renderAll();
  if (session.client) showRoomError(`You left ${left}. Join a topic above.`, 'info');
}

function onFrame(r, frame) {
  if (r !== session.room) return;
  switch (frame.action) {
    case A.SUBSCRIBE: return onJoined(r, frame);
    case A.LOAD_SUBSCRIBERS: return onParticipants(r, frame);
    case A.UNSUBSCRIBE_TOPIC: return onLeaveNotice(r, frame);
    case A.HAS_MORE_MESSAGES:
      r.hasMore = true;
      return renderOlder();
    case A.UNSUBSCRIBE: return undefined;
    case A.START_STREAM:
    case A.STOP_STREAM:
    case A.RTC:
      onCallFrame(r, frame);
      if (typeof frame.sender === 'string' && !senderOf(r, frame.sender))
        refreshPeople(r);
      return undefined;
    default: return onMessage(r, frame);
  }
}

function onJoined(r, frame) {
  const { client } = session;
  r.listed = false;
  // After a reconnect the client resubscribes with `since`; with
  // `recovered: true` what was missed came just before this ack, so page 1
  // would only repeat it. Otherwise page 1 is asked for (once the
  // participants are known), as on a first join.
  r.historyAsked = frame.recovered === true;
  r.page = 1;
  r.live.clear();
  r.live.add(client.connectionId);
  r.mine.add(client.connectionId);
  // The call type sends who is streaming right after this ack.
  r.streams.clear();
  showRoomError('');
  client.transmit(false, A.LOAD_SUBSCRIBERS, r.topic);
  renderComposer();
}

function onParticipants(r, frame) {
  const incoming = frame.payload && typeof frame.payload === 'object'
    ? frame.payload : {};
  if (typeof frame.sender === 'string') r.live.add(frame.sender);
  const seen = new Set();
  for (const [uid, p] of Object.entries(incoming)) {
    if (!p || typeof p !== 'object') continue;
    const old = r.people.get(uid);
    const cids = [...(old?.cids ?? [])];
    for (const c of Array.isArray(p.cids) ? p.cids : [])
      if (!cids.includes(c)) cids.push(c);
    const person = { ...old, ...p, scid: uid, cids, online: !!p.online };
    if (r.listed && person.online && !old?.online && uid !== session.me)
      addNotice(r, `${displayName(person)} joined`, frame.timestamp);
    r.people.set(uid, person);
    seen.add(uid);
  }
  for (const [uid, p] of r.people)
    if (!seen.has(uid) && p.online) r.people.set(uid, { ...p, online: false });
  const self = r.people.get(session.me);
  if (self) for (const c of self.cids) r.mine.add(c);
  r.listed = true;
  if (frame.sender === session.client.connectionId && !r.historyAsked) {
    r.historyAsked = true;
    loadPage(r, 1);
  }
  renderAll();
}

function onLeaveNotice(r, frame) {
  const s = typeof frame.payload === 'string' ? frame.payload : frame.sender;
  const at = typeof s === 'string' ? s.lastIndexOf(':') : -1;
  if (at <= 0) return;
  const uid = s.slice(0, at);
  const cid = s.slice(at + 1);
  r.live.delete(cid);
  onCallLeave(r, cid);
  const p = r.people.get(uid);
  if (!p) return;
  const still = p.cids.some((c) => c !== cid && r.live.has(c));
  r.people.set(uid, { ...p, online: still });
  if (!still) addNotice(r, `${displayName(p)} left`, frame.timestamp);
  renderAll();
}

function onMessage(r, frame) {
  if (typeof frame.sender !== 'string') return;
  if (!frame.historical) r.live.add(frame.sender);
  const key = `${frame.sender}|${frame.timestamp}|${JSON.stringify(frame.payload)}`;
  if (r.keys.has(key)) return;
  r.keys.add(key);
  const payload = frame.payload;
  const text = payload && typeof payload === 'object'
    && typeof payload.message === 'string' ? payload.message
    : JSON.stringify(payload ?? null);
  const entry = {
    kind: 'message', key, ts: frame.timestamp || new Date().toISOString(),
    sender: frame.sender, text, action: frame.action,
    historical: !!frame.historical,
  };
  if (frame.historical) {
    // History comes newest first, page after page: place it by time.
    const i = r.entries.findIndex((e) => e.ts >= entry.ts);
    r.entries.splice(i < 0 ? r.entries.length : i, 0, entry);
  } else {
    r.entries.push(entry);
  }
  trim(r);
  if (!senderOf(r, frame.sender)) refreshPeople(r);
  renderMessages(!frame.historical);
}

function addNotice(r, text, ts) {
  r.entries.push({
    kind: 'notice', key: `n${r.entries.length}-${Date.now()}`,
    ts: ts || new Date().toISOString(), text,
  });
  trim(r);
}

function trim(r) {
  while (r.entries.length > MAX_ENTRIES) {
    const e = r.entries.shift();
    r.keys.delete(e.key);
  }
}

// A message from a connection we cannot name yet: ask who is here, at most
// every two seconds.
function refreshPeople(r) {
  const { client } = session;
  const now = Date.now();
  if (now < r.refreshAt || !client?.connected) return;
  r.refreshAt = now + 2000;
  client.transmit(false, A.LOAD_SUBSCRIBERS, r.topic);
}

export async function loadPage(r, page) {
  r.hasMore = false;
  r.loadingOlder = page > 1;
  renderOlder();
  try {
    await session.client.request(A.LOAD_MESSAGES, r.topic,
                                 { page, pageSize: PAGE_SIZE });
    r.page = Math.max(r.page, page);
  } catch (e) {
    if (r === session.room) showRoomError(`Could not load messages: ${describe(e)}`);
  } finally {
    r.loadingOlder = false;
    if (r === session.room) renderOlder();
  }
}

export async function send(text) {
  const r = session.room;
  const { client } = session;
  if (!r || !client?.connected) return;
  try {
    await client.request(A.TEXT, r.topic, { message: text }, { store: true });
  } catch (e) {
    if (r === session.room) {
      addNotice(r, `Not sent: “${text}” (${describe(e)})`);
      renderMessages(true);
    }
  }
}
