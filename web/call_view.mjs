// Drawing the call panel: the two videos, the call's state (also as data
// attributes, which the browser test reads), the buttons, and the stream
// list of the topic (who is in a call with whom, who waits for an answer).
import { answer, call, isCallTopic } from './call.mjs';
import { displayName, senderOf } from './render.mjs';
import { $, session } from './session.mjs';

function nameOf(r, cid) {
  const p = senderOf(r, cid);
  const name = p ? displayName(p) : 'someone';
  return cid === session.client?.connectionId ? `${name} (you)` : name;
}

// Assigning srcObject restarts playback: only when it changed.
function show(video, stream) {
  if (video.srcObject !== stream) video.srcObject = stream;
}

function statusText() {
  switch (call.phase) {
    case 'calling': return call.note || 'Starting…';
    case 'joining': return call.note || 'Answering…';
    case 'live':
      if (call.connection !== 'connected') return `Connection ${call.connection}…`;
      return call.route
        ? `Connected (${call.route} via ${call.via})` : 'Connected';
    default: return call.note || 'No call.';
  }
}

function renderStreams(r) {
  const ul = $('streams');
  ul.replaceChildren();
  const entries = r ? [...r.streams] : [];
  $('streams-empty').hidden = entries.length > 0;
  for (const [cid, s] of entries) {
    const li = document.createElement('li');
    li.dataset.cid = cid;
    li.dataset.user = senderOf(r, cid)?.scid ?? '';
    li.dataset.peer = s.peer;
    li.dataset.peerUser = s.peer ? senderOf(r, s.peer)?.scid ?? '' : '';
    const text = document.createElement('span');
    text.className = 'stream-text';
    text.textContent = s.peer
      ? `${nameOf(r, cid)} · in a call with ${nameOf(r, s.peer)}`
      : `${nameOf(r, cid)} · waiting for an answer`;
    li.append(text);
    const mine = cid === session.client?.connectionId;
    if (!s.peer && !mine && call.phase === 'idle') {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'answer primary';
      b.textContent = 'Answer';
      b.addEventListener('click', () => answer(cid));
      li.append(b);
    }
    ul.append(li);
  }
}

export function renderCall() {
  const r = session.room;
  const on = isCallTopic(r?.topic);
  $('call').hidden = !on;
  $('room').classList.toggle('with-call', on);
  const box = $('call');
  box.dataset.phase = call.phase;
  box.dataset.connection = call.connection;
  box.dataset.route = call.route;
  $('call-status').textContent = statusText();
  show($('local-video'), call.local);
  show($('remote-video'), call.remote);
  const joined = !!r && !!session.client?.connected
    && session.client.isJoined(r.topic);
  $('call-start').disabled = !on || !joined || call.phase !== 'idle';
  $('hangup').disabled = call.phase === 'idle';
  renderStreams(on ? r : null);
}
