// Drawing the page from the session: messages, people, the "load older"
// button, the composer and the connection status. Plain DOM, rebuilt per
// change: a demo holds at most MAX_ENTRIES entries.
import { renderCall } from './call_view.mjs';
import { $, describe, session } from './session.mjs';

let status_timer = null;

export function senderOf(r, cid) {
  for (const p of r.people.values()) if (p.cids.includes(cid)) return p;
  return null;
}

export function displayName(p) {
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

export function renderAll() {
  renderMessages(false);
  renderPeople();
  renderOlder();
  renderComposer();
}

export function renderMessages(scroll) {
  const list = $('messages');
  const log = $('log');
  const at_bottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  list.replaceChildren();
  const r = session.room;
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

export function renderPeople() {
  const ul = $('people');
  ul.replaceChildren();
  const r = session.room;
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
      el('span', { class: 'name', text: p.scid === session.me ? `${name} (you)` : name }),
      p.role ? el('span', { class: 'role', text: p.role }) : null),
    el('span', { class: 'presence', text: p.online ? 'online' : 'offline' })));
  }
}

export function renderOlder() {
  const b = $('older');
  const r = session.room;
  b.hidden = !r || (!r.hasMore && !r.loadingOlder);
  b.disabled = !!r?.loadingOlder;
  b.textContent = r?.loadingOlder ? 'Loading…' : 'Load older messages';
}

export function renderComposer() {
  const { client, room } = session;
  const ok = !!room && !!client?.connected && client.isJoined(room.topic);
  $('text').disabled = !ok;
  $('send').disabled = !ok;
  $('leave').disabled = !room;
  renderCall(); // "Start call" needs the same join
}

export function renderStatus(error) {
  clearTimeout(status_timer);
  const { client } = session;
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

export function showRoomError(message, kind = 'error') {
  const p = $('room-error');
  p.textContent = message;
  p.hidden = !message;
  p.className = `${kind} banner`;
}
