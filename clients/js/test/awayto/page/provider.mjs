// What Awayto's WebSocketProvider (keybittech/awayto-v3,
// ts/src/modules/web_socket/WebSocketProvider.tsx, the JSON version that
// seeds/socket-basics.md describes) does on the wire, without React:
// - a ticket from `GET <api>/v1/sock/ticket` with `Authorization: Bearer`;
// - `wss://<host>/sock?ticket=<ticket>`, the connection id being the part
//   after the ':';
// - `{"payload":"PING"}` answered with `{"sender":<cid>,"payload":"PONG"}`;
// - every other frame handed to the listeners of its topic;
// - transmit sends `{timestamp (toUTCString), sender, store, action,
//   actionName, topic, payload}`;
// - after a close, or a failed ticket request, a new attempt (new ticket)
//   5 s later.
// Written from that description for this test; nothing here comes from
// sockd's own client. `log` records every frame in and out (the test's
// eyes on the wire); `events` records attempts, opens and closes with
// their times.
import { SocketActions } from './actions.mjs';

export const RETRY_MS = 5000; // Awayto's setTimeout(connect, 5000)

export function createProvider({ ticketUrl, socketBase, getToken, onChange }) {
  const listeners = new Map(); // topic -> Set of callbacks
  const log = [];
  const events = [];
  const state = { connectionId: '', connected: false, socket: undefined };
  const at = () => Math.round(performance.now());

  const send = (ws, cid, frame) => {
    log.push({ dir: 'out', cid, frame });
    ws.send(JSON.stringify(frame));
  };

  const retry = () => setTimeout(connect, RETRY_MS);

  async function connect() {
    events.push({ what: 'ticket', at: at(), url: ticketUrl });
    let ticket;
    try {
      const res = await fetch(ticketUrl,
        { headers: { Authorization: `Bearer ${getToken()}` } });
      if (!res.ok) throw new Error(`ticket: HTTP ${res.status}`);
      ({ ticket } = await res.json()); // RTK Query's unwrap()
    } catch (err) {
      events.push({ what: 'ticket-failed', at: at(), error: String(err) });
      retry();
      return;
    }
    const [, cid] = ticket.split(':');
    const ws = new WebSocket(`${socketBase}/sock?ticket=${ticket}`);
    ws.onopen = () => {
      // The socket's address without its (single-use) ticket.
      const u = new URL(ws.url);
      events.push({ what: 'open', at: at(), cid,
                    url: `${u.protocol}//${u.host}${u.pathname}` });
      Object.assign(state, { connectionId: cid, connected: true, socket: ws });
      onChange();
    };
    ws.onclose = (e) => {
      events.push({ what: 'close', at: at(), cid, code: e.code,
                    reason: e.reason });
      if (state.socket === ws) state.connected = false;
      retry();
    };
    ws.onerror = () => ws.close();
    ws.onmessage = async (event) => {
      // The log keeps its own copy: listeners change what they are given.
      log.push({ dir: 'in', cid, frame: JSON.parse(event.data) });
      const frame = JSON.parse(event.data);
      const { timestamp, sender, action, topic, payload, historical } = frame;
      if (payload === 'PING') {
        send(ws, cid, { sender: cid, payload: 'PONG' });
        return;
      }
      for (const listener of listeners.get(topic) || []) {
        await listener({ timestamp, sender, action, topic,
                         payload: payload || {}, historical });
      }
    };
  }

  return {
    state, log, events, connect,
    // The context's transmit of one render: bound to the socket and the
    // connection id of that moment, so a stale one sends nothing.
    transmitter() {
      const ws = state.socket;
      const cid = state.connectionId;
      return (store, action, topic, payload) => {
        if (!ws || ws.readyState !== WebSocket.OPEN) return;
        send(ws, cid, {
          timestamp: new Date().toUTCString(),
          sender: cid,
          store,
          action,
          actionName: SocketActions[action],
          topic,
          payload,
        });
      };
    },
    subscribe(topic, callback) {
      const set = listeners.get(topic) || new Set();
      set.add(callback);
      listeners.set(topic, set);
      return () => {
        set.delete(callback);
        if (set.size === 0) listeners.delete(topic);
      };
    },
  };
}
