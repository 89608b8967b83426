// What Awayto's useWebSocketSubscribe (ts/src/hooks/useWebSocketSubscribe.ts)
// and the WSTextProvider around it (ts/src/modules/web_socket/
// WSTextProvider.tsx) send and do with what they receive, without React:
// - once connected: SUBSCRIBE (store false); on the join answer (8)
//   LOAD_SUBSCRIBERS; on a participant list (10) merged into the user list,
//   when it answers this connection's own request, LOAD_MESSAGES page 1 of
//   10; on a leave (4, or 9) the user whose id is before the ':' of
//   `sender` goes offline; everything else to the text provider, which
//   keeps chat messages of known senders (history prepended, live
//   appended) and shows "load previous" after HAS_MORE_MESSAGES (7);
// - "load previous": LOAD_MESSAGES of the next page; typing: a stored TEXT;
// - on unmount: UNSUBSCRIBE, then the listener goes.
// React re-runs the effect with each new connection; the cleanup of the old
// one transmits through the old, closed socket (so nothing), as here:
// `provider.transmitter()` is bound to the socket of its "render".
import { SocketActions as A } from './actions.mjs';

const PAGE_SIZE = 10; // Awayto's, fixed

export function createTextChat(provider, topic, onChange) {
  const chat = {
    topic, subscribed: false, userList: {}, messages: [], hasMore: false,
    page: 1,
  };
  let cleanup = null;
  let transmit = () => {};
  let connected = false;

  // The WSTextProvider's callback.
  const onText = ({ timestamp, sender, action, payload, historical }) => {
    if (action === A.HAS_MORE_MESSAGES) {
      chat.hasMore = true;
      return;
    }
    const { message, style } = payload;
    if (!message || !style) return;
    for (const user of Object.values(chat.userList)) {
      if (!user.cids.includes(sender)) continue;
      const m = { ...user, sender, style, message, timestamp };
      chat.messages = historical ? [m, ...chat.messages]
                                 : [...chat.messages, m];
    }
  };

  // The hook's listener, bound to one connection like a render's closure.
  const listener = (connectionId) => async (message) => {
    if (A.SUBSCRIBE === message.action) {
      chat.subscribed = true;
      transmit(false, A.LOAD_SUBSCRIBERS, topic);
    } else if (A.LOAD_SUBSCRIBERS === message.action) {
      for (const participant of Object.values(message.payload)) {
        const sub = chat.userList[participant.scid];
        if (sub) {
          sub.cids = Array.from(new Set([...sub.cids, ...participant.cids]));
          sub.online = participant.online;
        } else {
          participant.color = 'hsl(0, 0%, 90%)'; // generateLightBgColor()
          chat.userList[participant.scid] = participant;
        }
      }
      if (message.sender === connectionId) {
        transmit(false, A.LOAD_MESSAGES, topic, { page: 1, pageSize: PAGE_SIZE });
      }
    } else if (A.UNSUBSCRIBE_TOPIC === message.action
               || A.UNSUBSCRIBE === message.action) {
      const [scid] = message.sender.split(':');
      chat.userList[scid].online = false;
    } else {
      onText(message);
    }
    onChange();
  };

  // The effect `[transmit, connected, topic]`: runs again for each new
  // connection; the previous run is cleaned up first.
  const effect = () => {
    if (cleanup) cleanup();
    cleanup = null;
    transmit = provider.transmitter();
    connected = provider.state.connected;
    if (!connected) return;
    const off = provider.subscribe(topic,
                                   listener(provider.state.connectionId));
    transmit(false, A.SUBSCRIBE, topic);
    const leave = transmit;
    cleanup = () => {
      leave(false, A.UNSUBSCRIBE, topic);
      off();
    };
  };

  return {
    chat,
    effect,
    unmount() {
      if (cleanup) cleanup();
      cleanup = null;
    },
    storeMessage(action, payload) {
      if (connected) transmit(true, action, topic, payload);
    },
    sendMessage(action, payload) {
      if (connected) transmit(false, action, topic, payload);
    },
    // WSTextProvider's getMore ("Load previous...").
    getMore() {
      const nextPage = chat.page + 1;
      this.sendMessage(A.LOAD_MESSAGES, { page: nextPage, pageSize: PAGE_SIZE });
      chat.page = nextPage;
      chat.hasMore = false;
    },
  };
}
