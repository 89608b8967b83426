// The page: Awayto's socket layer (provider.mjs, subscribe.mjs) mounted
// like Awayto's exchange text chat, driven by the test through
// window.awayto. `?sock=<origin of sockd>&ticketPath=<path>` say where
// sockd is; the token (Keycloak's, in Awayto) is handed in by the test.
import { SocketActions as A } from './actions.mjs';
import { createProvider } from './provider.mjs';
import { createTextChat } from './subscribe.mjs';

const params = new URLSearchParams(location.search);
const sock = new URL(params.get('sock'));
const ticketUrl = new URL(params.get('ticketPath'), sock).href;
// Awayto opens `wss://${host}/sock`; the scheme follows sockd's here so
// the same page runs against a plain sockd too.
const socketBase = `${sock.protocol === 'https:' ? 'wss' : 'ws'}://${sock.host}`;

let token = '';
let text = null; // the mounted text chat, if any

const provider = createProvider({
  ticketUrl,
  socketBase,
  getToken: () => token,
  onChange: () => {
    if (text) text.effect();
    render();
  },
});

function render() {
  document.getElementById('state').textContent = provider.state.connected
    ? `connected as ${provider.state.connectionId}` : 'not connected';
}

window.awayto = {
  start(t) {
    token = t;
    provider.connect();
  },
  // Keycloak hands out a new token; the next attempt uses it.
  setToken(t) { token = t; },
  mount(topic) {
    text = createTextChat(provider, topic, render);
    text.effect();
  },
  unmount() {
    text.unmount();
    text = null;
  },
  // The chat's input: a stored TEXT, as Awayto's SubmitMessageForm sends.
  say(message) { text.storeMessage(A.TEXT, { style: 'written', message }); },
  // An unstored relay on the same topic (sendMessage).
  whisper(message) { text.sendMessage(A.TEXT, { style: 'written', message }); },
  getMore() { text.getMore(); },

  // The test's own probes, not Awayto's: a socket of the same user that
  // never answers a PING, and a frame sent on Awayto's socket.
  silentSocket() {
    return fetch(ticketUrl, { headers: { Authorization: `Bearer ${token}` } })
      .then((r) => r.json())
      .then(({ ticket }) => new Promise((resolve) => {
        const ws = new WebSocket(`${socketBase}/sock?ticket=${ticket}`);
        const seen = [];
        let opened = 0;
        ws.onopen = () => { opened = performance.now(); };
        ws.onmessage = (e) => seen.push(JSON.parse(e.data));
        ws.onclose = (e) => resolve({
          code: e.code, reason: e.reason, seen,
          lifetime: Math.round(performance.now() - opened),
        });
      }));
  },
  probe(frame) {
    provider.log.push({ dir: 'out', cid: provider.state.connectionId, frame,
                        probe: true });
    provider.state.socket.send(JSON.stringify(frame));
  },

  // What the test reads (plain JSON).
  snapshot() {
    return JSON.parse(JSON.stringify({
      connectionId: provider.state.connectionId,
      connected: provider.state.connected,
      log: provider.log,
      events: provider.events,
      chat: text ? text.chat : null,
    }));
  },
};
render();
