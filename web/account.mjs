// Signing in with a dev token and out again, and what the page does when
// the client's connection state changes or it reports an error.
import { createSockdClient } from '/client/sockd-client.mjs';

import { connectionLost } from './call.mjs';
import { renderPeople, renderStatus, showRoomError } from './render.mjs';
import { join, leave } from './room.mjs';
import { $, session } from './session.mjs';

const saved = window.sessionStorage;

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

export async function signIn(name, topic) {
  // One token up front, so a bad name or a server without dev mode is
  // reported here instead of as endless reconnect attempts.
  let first = await devToken(name);
  session.me = name;
  saved.setItem('sockd.name', name);
  saved.setItem('sockd.topic', topic);
  const client = createSockdClient({
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
  session.client = client;
  client.on('state', onState);
  client.on('error', onClientError);
  $('login').hidden = true;
  $('room').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = name;
  renderStatus();
  join(topic);
}

export function signOut() {
  leave();
  session.client?.close();
  session.client = null;
  session.me = '';
  saved.removeItem('sockd.name');
  $('room').hidden = true;
  $('who').hidden = true;
  $('login').hidden = false;
  renderStatus();
  $('name').focus();
}

function onState({ state }) {
  // Without a connection nobody's presence is known: show everyone offline
  // until the rejoin brings a fresh participant list.
  const { room } = session;
  if (state !== 'open') connectionLost();
  if (state !== 'open' && room) {
    for (const [uid, p] of room.people)
      if (p.online) room.people.set(uid, { ...p, online: false });
    room.live.clear();
    room.streams.clear();
    renderPeople();
  }
  renderStatus();
}

function onClientError(e) {
  const { room } = session;
  if (room && e.topic === room.topic && e.code === 'forbidden') {
    showRoomError(`You are not allowed to join ${room.topic}.`);
  } else if (e.code === 'rate_limited') {
    showRoomError('Slow down: too many messages.');
  }
  renderStatus(e);
}
