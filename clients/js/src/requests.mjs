// Outbound frames: fire and forget (`transmit`), and requests with an `id`
// whose ACK resolves and whose ERROR rejects a promise (`request`). What is
// in flight when the connection goes is rejected at once: an answer can
// only come on the socket that carried the request.
import { SockdError } from './errors.mjs';

function build(store, action, topic, payload, id, extra) {
  const frame = { action, topic, ...extra };
  if (payload !== undefined) frame.payload = payload;
  if (store) frame.store = true;
  if (id !== undefined) frame.id = id;
  return frame;
}

function check_action(action) {
  if (!(Number.isInteger(action) || (typeof action === 'string' && action !== '')))
    throw new TypeError('action must be an integer or a non-empty string');
}

/**
 * `send(frame)` writes a frame on the open socket (false when there is
 * none), `is_open()` says whether the client is connected, `emit` reports
 * errors nobody waits for.
 */
export function create_requests(cfg, { send, is_open, emit }) {
  const { random } = cfg; // called as a plain function, not as cfg's method
  let next_id = 0;
  const id_prefix = `c${Math.floor(random() * 0x100000).toString(36)}-`;
  const pending = new Map();   // id -> { resolve, reject, timer }

  /** Fire and forget. Returns false when there is no open connection. */
  function transmit(store, action, topic, payload) {
    check_action(action);
    return send(build(!!store, action, topic, payload));
  }

  /**
   * Sends with an id; resolves with the ACK frame, rejects on ERROR.
   * `opts.extra`: more members of the frame (SUBSCRIBE's recover/since).
   */
  function request(action, topic, payload, opts = {}) {
    try {
      check_action(action);
    } catch (e) {
      return Promise.reject(e);
    }
    if (!is_open())
      return Promise.reject(new SockdError('disconnected', 'not connected', { topic, request: action }));
    if (pending.size >= cfg.max_pending)
      return Promise.reject(new SockdError('too_many_pending', 'too many requests in flight', { topic, request: action }));
    const id = id_prefix + (++next_id).toString(36);
    const timeout_ms = opts.timeoutMs ?? cfg.request_timeout_ms;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (pending.delete(id))
          reject(new SockdError('timeout', `no answer within ${timeout_ms} ms`, { topic, request: action, id }));
      }, timeout_ms);
      pending.set(id, { resolve, reject, timer });
      if (!send(build(!!opts.store, action, topic, payload, id, opts.extra))) {
        pending.delete(id);
        clearTimeout(timer);
        reject(new SockdError('disconnected', 'not connected', { topic, request: action, id }));
      }
    });
  }

  function on_ack(frame) {
    const id = frame.payload?.id;
    const p = typeof id === 'string' ? pending.get(id) : undefined;
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(frame);
  }

  /** An ERROR frame rejects its request, or is an 'error' event. */
  function on_error_frame(frame) {
    const pl = frame.payload && typeof frame.payload === 'object'
      ? frame.payload : {};
    const err = new SockdError(
      typeof pl.code === 'string' ? pl.code : 'internal',
      typeof pl.message === 'string' ? pl.message : 'error from server',
      { topic: frame.topic, request: pl.request, id: pl.id, frame });
    const p = typeof pl.id === 'string' ? pending.get(pl.id) : undefined;
    if (p) {
      pending.delete(pl.id);
      clearTimeout(p.timer);
      p.reject(err);
    } else {
      emit('error', err);
    }
  }

  function reject_pending(code, message) {
    const all = [...pending.entries()];
    pending.clear();
    for (const [id, p] of all) {
      clearTimeout(p.timer);
      p.reject(new SockdError(code, message, { id }));
    }
  }

  return {
    transmit,
    request,
    on_ack,
    on_error_frame,
    reject_pending,
    get size() { return pending.size; },
  };
}
