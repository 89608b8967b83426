// The demo page: sign in with a dev token, join a topic, chat with stored
// messages, see who is online, page through history. Plain DOM, no build
// step, no framework; the client comes from sockd itself (/client/).
//
// This file wires the page's forms and buttons; the rest has a module each:
//   account.mjs    signing in and out, the client's state and error events
//   room.mjs       the topic shown: joining, leaving, its frames, history
//   call.mjs       a 1:1 video call in a call topic (exchange/1), via TURN
//   render.mjs     drawing the page from the session
//   call_view.mjs  drawing the call panel and the stream list
//   session.mjs    what the page knows now (client, user, topic) and settings
import { signIn, signOut } from './account.mjs';
import { hangUp, startCall } from './call.mjs';
import { showRoomError } from './render.mjs';
import { join, leave, loadPage, send } from './room.mjs';
import { $, describe, session } from './session.mjs';

const NAME_RE = /^[A-Za-z0-9_.@-]{1,64}$/;
const TOPIC_RE = /^[^:\s]+:[^\s]+$/;
const saved = window.sessionStorage;

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
  if (topic !== session.room?.topic) join(topic);
});

$('leave').addEventListener('click', () => leave());
$('older').addEventListener('click', () => {
  const { room } = session;
  if (room && !room.loadingOlder) loadPage(room, room.page + 1);
});
$('signout').addEventListener('click', () => signOut());
$('call-start').addEventListener('click', () => startCall());
$('hangup').addEventListener('click', () => hangUp());
// Closing the tab hangs up, so the peer does not wait for the leave notice.
window.addEventListener('pagehide', () => hangUp());

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
