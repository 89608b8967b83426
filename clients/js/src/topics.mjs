// Topic listeners: the first listener of a topic subscribes, the last one
// leaving unsubscribes, and every topic with listeners is subscribed again
// on each new connection. A topic's frames go to its listeners; the join
// ack (action 8) also marks the topic joined.
//
// Recovery (docs/client.md, docs/protocol.md "Recovery after reconnect"):
// with `recover` on, the first SUBSCRIBE asks for positions, each frame's
// `epoch`/`offset` is remembered per topic, and a SUBSCRIBE on a new
// connection carries `since` that position, so the server replays what
// was missed before its ack (`recovered: true`) or says it cannot.
import { SocketActions as A } from './actions.mjs';

/**
 * `request` sends an acknowledged frame, `is_open()` says whether the
 * client is connected, `emit` reports errors.
 */
export function create_topics({ request, is_open, emit, recover = true }) {
  // topic -> { listeners: Set, sent: SUBSCRIBE sent on this connection,
  //            joined: acknowledged, denied: refused,
  //            position: { epoch, offset } of the last frame, or null,
  //            recovered: the last ack's `recovered` (false without one) }
  const topics = new Map();

  function deliver(entry, frame) {
    try {
      const r = entry.callback(frame);
      if (r && typeof r.then === 'function')
        r.then(undefined, (e) => emit('error', e));
    } catch (e) {
      emit('error', e);
    }
  }

  function send_subscribe(topic, t) {
    t.sent = true;
    t.joined = false;
    let extra;
    if (recover) extra = t.position ? { since: t.position } : { recover: true };
    request(A.SUBSCRIBE, topic, undefined, { extra }).then(undefined, (e) => {
      if (e.code === 'disconnected' || e.code === 'timeout') return;
      t.denied = true;
      t.sent = false;
      emit('error', e);
    });
  }

  /** A new connection is open: subscribe every topic that has listeners. */
  function resubscribe() {
    for (const [topic, t] of topics) {
      if (t.listeners.size > 0) send_subscribe(topic, t);
    }
  }

  /** The connection is gone: nothing is sent or joined on the next one yet. */
  function forget_joins() {
    for (const t of topics.values()) t.joined = t.sent = false;
  }

  /** Hands a frame about a topic to that topic's listeners. */
  function dispatch(frame) {
    const t = typeof frame.topic === 'string' ? topics.get(frame.topic) : null;
    if (!t) return;
    if (typeof frame.epoch === 'string' && Number.isInteger(frame.offset)
        && frame.offset >= 0)
      t.position = { epoch: frame.epoch, offset: frame.offset };
    if (frame.action === A.SUBSCRIBE) {
      t.joined = true;
      t.denied = false;
      t.recovered = frame.recovered === true;
    }
    for (const entry of [...t.listeners]) deliver(entry, frame);
  }

  /**
   * Adds a listener for a topic; the first listener of a topic subscribes.
   * Returns a function that removes this listener (the last one leaving
   * unsubscribes).
   */
  function subscribe(topic, callback) {
    if (typeof topic !== 'string' || topic === '')
      throw new TypeError('topic must be a non-empty string');
    if (typeof callback !== 'function')
      throw new TypeError('callback must be a function');
    let t = topics.get(topic);
    if (!t) {
      topics.set(topic, (t = { listeners: new Set(), joined: false, sent: false,
                               denied: false, position: null, recovered: false }));
    }
    const entry = { callback };
    const first = t.listeners.size === 0;
    t.listeners.add(entry);
    if (first) {
      if (is_open()) send_subscribe(topic, t);
    } else if (t.joined) {
      // The join ack went by before this listener came; give it its own so
      // every listener can rely on seeing action 8 once it is joined.
      const ack = { action: A.SUBSCRIBE, topic };
      queueMicrotask(() => {
        if (t.listeners.has(entry) && t.joined) deliver(entry, ack);
      });
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      t.listeners.delete(entry);
      if (t.listeners.size > 0) return;
      if (topics.get(topic) === t) topics.delete(topic);
      if (t.sent && is_open()) {
        request(A.UNSUBSCRIBE, topic).then(undefined, (e) => {
          if (e.code !== 'disconnected' && e.code !== 'timeout') emit('error', e);
        });
      }
    };
  }

  return {
    subscribe,
    dispatch,
    resubscribe,
    forget_joins,
    names() { return [...topics.keys()]; },
    isJoined(topic) { return !!topics.get(topic)?.joined; },
    /** Whether the last join of `topic` replayed everything missed. */
    isRecovered(topic) { return !!topics.get(topic)?.recovered; },
    /** The topic's last position seen: { epoch, offset }, or null. */
    position(topic) {
      const p = topics.get(topic)?.position;
      return p ? { ...p } : null;
    },
  };
}
