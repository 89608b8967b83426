// The demo page: sign in with a dev token, join a topic, chat with stored
// messages, see who is online, page through history. Plain DOM, no build
// step, no framework; the client comes from sockd itself.
import { createSockdClient, SocketActions as A } from '/client/sockd-client.mjs';

// History page size; `?pageSize=N` (1-100) overrides it, handy for trying
// the "load older" button with few messages.
const PAGE_SIZE = (() => {
  const n = Number(new URLSearchParams(location.search).get('pageSize'));
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 20;
})();
const MAX_ENTRIES = 500;          // chat entries kept in the page
const NAME_RE = /^[A-Za-z0-9_.@-]{1,64}$/;
const TOPIC_RE = /^[^:\s]+:[^\s]+$/;

const $ = (id) => document.getElementById(id);
const saved = window.sessionStorage;

let client = null;
let me = '';
let room = null;
let status_timer = null;

// --- sign in -------------------------------------------------------------

async function devToken(name) {
  const res = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sub: name }),
  });
  if (res.status === 404)
    throw new Error('Dev mode is off: start sockd with --dev=true.');
  if (!res.ok) throw new Error(`POST /dev/token answered ${res.status}.`);
  const body = await res.json();
  if (typeof body.token !== 'string') throw new Error('No token in the answer.');
  return body.token;
}

async function signIn(name, topic) {
  // One token up front, so a bad name or a server without dev mode is
  // reported here instead of as endless reconnect attempts.
  let first = await devToken(name);
  me = name;
  saved.setItem('sockd.name', name);
  saved.setItem('sockd.topic', topic);
  client = createSockdClient({
    url: location.origin,
    getToken: async () => {
      if (first) {
        const t = first;
        first = null;
        return t;
      }
      return devToken(name);
    },
    backoff: { initialMs: 500, maxMs: 10000 },
  });
  client.on('state', onState);
  client.on('error', onClientError);
  $('login').hidden = true;
  $('room').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = name;
  renderStatus();
  join(topic);
}

function signOut() {
  leave();
  client?.close();
  client = null;
  me = '';
  saved.removeItem('sockd.name');
  $('room').hidden = true;
  $('who').hidden = true;
  $('login').hidden = false;
  renderStatus();
  $('name').focus();
}

// --- a topic -------------------------------------------------------------

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
    stop: null,
  };
}

function join(topic) {
  leave();
  room = newRoom(topic);
  saved.setItem('sockd.topic', topic);
  $('topic-title').textContent = topic;
  $('switch-topic').value = '';
  document.title = `${topic} · sockd demo`;
  showRoomError('');
  room.stop = client.subscribe(topic, (frame) => onFrame(room, frame));
  renderAll();
}

function leave() {
  if (!room) return;
  room.stop?.();
  const left = room.topic;
  room = null;
  $('topic-title').textContent = 'No topic';
  document.title = 'sockd demo';
  renderAll();
  if (client) showRoomError(`You left ${left}. Join a topic above.`, 'info');
}

function onFrame(r, frame) {
  if (r !== room) return;
  switch (frame.action) {
    case A.SUBSCRIBE: return onJoined(r);
    case A.LOAD_SUBSCRIBERS: return onParticipants(r, frame);
    case A.UNSUBSCRIBE_TOPIC: return onLeaveNotice(r, frame);
    case A.HAS_MORE_MESSAGES:
      r.hasMore = true;
      return renderOlder();
    case A.UNSUBSCRIBE: return undefined;
    default: return onMessage(r, frame);
  }
}

function onJoined(r) {
  r.listed = false;
  r.historyAsked = false;
  r.page = 1;
  r.live.clear();
  r.live.add(client.connectionId);
  r.mine.add(client.connectionId);
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
    if (r.listed && person.online && !old?.online && uid !== me)
      addNotice(r, `${displayName(person)} joined`, frame.timestamp);
    r.people.set(uid, person);
    seen.add(uid);
  }
  for (const [uid, p] of r.people)
    if (!seen.has(uid) && p.online) r.people.set(uid, { ...p, online: false });
  const self = r.people.get(me);
  if (self) for (const c of self.cids) r.mine.add(c);
  r.listed = true;
  if (frame.sender === client.connectionId && !r.historyAsked) {
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
  const now = Date.now();
  if (now < r.refreshAt || !client?.connected) return;
  r.refreshAt = now + 2000;
  client.transmit(false, A.LOAD_SUBSCRIBERS, r.topic);
}

async function loadPage(r, page) {
  r.hasMore = false;
  r.loadingOlder = page > 1;
  renderOlder();
  try {
    await client.request(A.LOAD_MESSAGES, r.topic,
                         { page, pageSize: PAGE_SIZE });
    r.page = Math.max(r.page, page);
  } catch (e) {
    if (r === room) showRoomError(`Could not load messages: ${describe(e)}`);
  } finally {
    r.loadingOlder = false;
    if (r === room) renderOlder();
  }
}

async function send(text) {
  const r = room;
  if (!r || !client?.connected) return;
  try {
    await client.request(A.TEXT, r.topic, { message: text }, { store: true });
  } catch (e) {
    if (r === room) {
      addNotice(r, `Not sent: “${text}” (${describe(e)})`);
      renderMessages(true);
    }
  }
}

function onState({ state }) {
  // Without a connection nobody's presence is known: show everyone offline
  // until the rejoin brings a fresh participant list.
  if (state !== 'open' && room) {
    for (const [uid, p] of room.people)
      if (p.online) room.people.set(uid, { ...p, online: false });
    room.live.clear();
    renderPeople();
  }
  renderStatus();
}

function onClientError(e) {
  if (room && e.topic === room.topic && e.code === 'forbidden') {
    showRoomError(`You are not allowed to join ${room.topic}.`);
  } else if (e.code === 'rate_limited') {
    showRoomError('Slow down: too many messages.');
  }
  renderStatus(e);
}

// --- rendering -----------------------------------------------------------

function senderOf(r, cid) {
  for (const p of r.people.values()) if (p.cids.includes(cid)) return p;
  return null;
}

function displayName(p) {
  return p.name || p.scid;
}

function colorFor(id) {
  let n = 0;
  for (let i = 0; i < id.length; ++i) n = (n * 31 + id.charCodeAt(i)) >>> 0;
  return `hsl(${n % 360} 65% 45%)`;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function timeOf(ts) {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ''
    : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function renderAll() {
  renderMessages(false);
  renderPeople();
  renderOlder();
  renderComposer();
}

function renderMessages(scroll) {
  const list = $('messages');
  const log = $('log');
  const at_bottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  list.replaceChildren();
  const r = room;
  $('empty').hidden = !r || r.entries.some((e) => e.kind === 'message');
  if (!r) return;
  for (const e of r.entries) {
    if (e.kind === 'notice') {
      list.append(el('li', { class: 'notice', text: e.text }));
      continue;
    }
    const p = senderOf(r, e.sender);
    const name = p ? displayName(p) : 'someone';
    const mine = r.mine.has(e.sender);
    list.append(el('li', {
      class: `message${mine ? ' mine' : ''}${e.historical ? ' historical' : ''}`,
      'data-sender': p?.scid ?? '',
    },
    el('div', { class: 'meta' },
      el('span', { class: 'author', text: mine ? `${name} (you)` : name,
                   style: `color: ${colorFor(p?.scid ?? e.sender)}` }),
      el('time', { text: timeOf(e.ts), dateTime: e.ts })),
    el('div', { class: 'bubble', text: e.text })));
  }
  if (scroll || at_bottom) log.scrollTop = log.scrollHeight;
}

function renderPeople() {
  const ul = $('people');
  ul.replaceChildren();
  const r = room;
  if (!r) {
    $('people-count').textContent = '';
    return;
  }
  const people = [...r.people.values()].sort((a, b) =>
    (b.online - a.online) || displayName(a).localeCompare(displayName(b)));
  const online = people.filter((p) => p.online).length;
  $('people-count').textContent = people.length
    ? `${online} online · ${people.length - online} offline` : '';
  for (const p of people) {
    const name = displayName(p);
    ul.append(el('li', {
      class: p.online ? 'online' : 'offline',
      'data-user': p.scid, 'data-online': String(p.online),
    },
    el('span', { class: 'avatar', text: name.slice(0, 1).toUpperCase(),
                 style: `background: ${colorFor(p.scid)}` }),
    el('span', { class: 'person' },
      el('span', { class: 'name', text: p.scid === me ? `${name} (you)` : name }),
      p.role ? el('span', { class: 'role', text: p.role }) : null),
    el('span', { class: 'presence', text: p.online ? 'online' : 'offline' })));
  }
}

function renderOlder() {
  const b = $('older');
  const r = room;
  b.hidden = !r || (!r.hasMore && !r.loadingOlder);
  b.disabled = !!r?.loadingOlder;
  b.textContent = r?.loadingOlder ? 'Loading…' : 'Load older messages';
}

function renderComposer() {
  const ok = !!room && !!client?.connected && client.isJoined(room.topic);
  $('text').disabled = !ok;
  $('send').disabled = !ok;
  $('leave').disabled = !room;
}

function renderStatus(error) {
  clearTimeout(status_timer);
  const box = $('status');
  const text = $('status-text');
  const state = client?.state ?? 'idle';
  box.dataset.state = state;
  switch (state) {
    case 'open':
      text.textContent = `Connected · ${client.connectionId.slice(0, 8)}`;
      box.title = `connection ${client.connectionId}`;
      break;
    case 'connecting':
      text.textContent = 'Connecting…';
      break;
    case 'reconnecting': {
      const s = Math.ceil(client.retryInMs / 1000);
      text.textContent = s > 0 ? `Reconnecting in ${s} s…` : 'Reconnecting…';
      status_timer = setTimeout(() => renderStatus(), 250);
      break;
    }
    default:
      text.textContent = 'Not connected';
      box.title = '';
  }
  if (error instanceof Error && state !== 'open') box.title = describe(error);
  renderComposer();
}

function describe(e) {
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? e);
}

function showRoomError(message, kind = 'error') {
  const p = $('room-error');
  p.textContent = message;
  p.hidden = !message;
  p.className = `${kind} banner`;
}

// --- wiring --------------------------------------------------------------

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const name = $('name').value.trim();
  const topic = $('topic').value.trim() || 'chat:lobby';
  const err = $('login-error');
  err.hidden = true;
  if (!NAME_RE.test(name)) {
    err.textContent = 'Use 1–64 letters, digits or _ . @ - for the name.';
    err.hidden = false;
    return;
  }
  if (!TOPIC_RE.test(topic)) {
    err.textContent = 'A topic looks like type:handle, e.g. chat:lobby.';
    err.hidden = false;
    return;
  }
  $('connect').disabled = true;
  try {
    await signIn(name, topic);
  } catch (e) {
    err.textContent = describe(e);
    err.hidden = false;
  } finally {
    $('connect').disabled = false;
  }
});

$('send-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $('text');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  send(text);
});

$('switch-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const topic = $('switch-topic').value.trim();
  if (!TOPIC_RE.test(topic)) {
    showRoomError('A topic looks like type:handle, e.g. chat:lobby.');
    return;
  }
  if (topic !== room?.topic) join(topic);
});

$('leave').addEventListener('click', () => leave());
$('older').addEventListener('click', () => {
  if (room && !room.loadingOlder) loadPage(room, room.page + 1);
});
$('signout').addEventListener('click', () => signOut());

// A reload keeps this tab's user and topic.
{
  const name = saved.getItem('sockd.name');
  const topic = saved.getItem('sockd.topic') || 'chat:lobby';
  $('topic').value = topic;
  if (name) {
    $('name').value = name;
    signIn(name, topic).catch((e) => {
      $('login-error').textContent = describe(e);
      $('login-error').hidden = false;
    });
  } else {
    $('name').focus();
  }
}
