// sockd client: tickets, one WebSocket, topic listeners, acknowledged
// requests and reconnection. Dependency-free; runs in browsers and in Node
// (pass `WebSocket` from the `ws` package there).
//
// Connection states:
//
//   idle --connect()--> connecting --open--> open
//                          ^   |               |
//                          |   | failure       | socket closed
//                          |   v               v
//                          +-- reconnecting <--+   (backoff with full jitter)
//
//   any state --close()--> closed (terminal)
//
// Every attempt fetches a fresh ticket (tickets are single use). Topics with
// listeners are subscribed again after each (re)connect.

/** Awayto's SocketActions, as numbered on the wire (PROTOCOL.md, 3). */
export const SocketActions = Object.freeze({
  PING_CHANNEL: 0,
  START_STREAM: 1,
  STOP_STREAM: 2,
  STREAM_INQUIRY: 3,
  UNSUBSCRIBE_TOPIC: 4,
  SUBSCRIBE_TOPIC: 5,
  LOAD_MESSAGES: 6,
  HAS_MORE_MESSAGES: 7,
  SUBSCRIBE: 8,
  UNSUBSCRIBE: 9,
  LOAD_SUBSCRIBERS: 10,
  SUBSCRIBERS_PRESENT: 11,
  TEXT: 12,
  RTC: 13,
  SET_POSITION: 14,
  SET_PAGE: 15,
  SET_SCALE: 16,
  SET_STROKE: 17,
  DRAW_LINES: 18,
  SHARE_FILE: 19,
  CHANGE_SETTING: 20,
  SUBSCRIBE_INIT: 21,
  SET_SELECTED_TEXT: 22,
  ROLE_CALL: 23,
  PING_PONG: 24,
  SET_BOX: 25,
});

const A = SocketActions;

/** An error reported by sockd (an ERROR frame) or by the client itself. */
export class SockdError extends Error {
  constructor(code, message, details = {}) {
    super(message || code);
    this.name = 'SockdError';
    this.code = code;
    this.topic = details.topic;
    this.request = details.request;
    this.id = details.id;
    this.status = details.status;
    this.frame = details.frame;
  }
}

const DEFAULTS = Object.freeze({
  initialMs: 500,
  maxMs: 30000,
  resetAfterMs: 5000,
  requestTimeoutMs: 10000,
  connectTimeoutMs: 10000,
  maxPending: 1000,
});

function trim_slash(s) {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

function socket_url(http_base, path, ticket) {
  const u = new URL(http_base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol !== 'ws:' && u.protocol !== 'wss:')
    throw new SockdError('bad_url', `unsupported URL scheme ${u.protocol}`);
  // ':' is legal in a query; keep it literal, as Awayto's client does.
  const q = encodeURIComponent(ticket).replace(/%3A/gi, ':');
  return `${trim_slash(u.origin + u.pathname)}${path}?ticket=${q}`;
}

function split_ticket(ticket) {
  // `<authCode>:<connectionId>` (PROTOCOL.md, 8.6).
  const at = typeof ticket === 'string' ? ticket.indexOf(':') : -1;
  if (at <= 0 || at === ticket.length - 1)
    throw new SockdError('bad_ticket', 'malformed ticket from /ticket');
  return { authCode: ticket.slice(0, at), connectionId: ticket.slice(at + 1) };
}

async function error_from_response(res) {
  let code = res.status === 401 ? 'unauthorized' : `http_${res.status}`;
  let message = `GET /ticket answered ${res.status}`;
  try {
    const body = await res.json();
    if (body && body.error && typeof body.error.code === 'string') {
      code = body.error.code;
      if (typeof body.error.message === 'string')
        message = `${message}: ${body.error.message}`;
    }
  } catch {
    // Not JSON: the status alone says enough.
  }
  return new SockdError(code, message, { status: res.status });
}

function text_of(data) {
  if (typeof data === 'string') return data;
  // Binary frames (Blob, ArrayBuffer) are not part of the protocol.
  if (typeof ArrayBuffer === 'function' && data instanceof ArrayBuffer) return null;
  if (typeof Blob === 'function' && data instanceof Blob) return null;
  // `ws` hands text over as a Buffer when used without its EventTarget.
  if (data && typeof data.toString === 'function') return data.toString();
  return null;
}

/**
 * Creates a client. It starts connecting at once unless `autoConnect` is
 * false. See docs/client.md for the whole API.
 */
export function createSockdClient(options = {}) {
  const base = options.url ??
    (typeof location !== 'undefined' ? location.origin : undefined);
  if (typeof base !== 'string' || base === '')
    throw new TypeError('createSockdClient: `url` (http base) is required');
  if (typeof options.getToken !== 'function')
    throw new TypeError('createSockdClient: `getToken` must be a function');
  const WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof WebSocketImpl !== 'function')
    throw new TypeError('createSockdClient: no WebSocket implementation');
  if (typeof fetchImpl !== 'function')
    throw new TypeError('createSockdClient: no fetch implementation');

  const backoff = {
    initialMs: options.backoff?.initialMs ?? DEFAULTS.initialMs,
    maxMs: options.backoff?.maxMs ?? DEFAULTS.maxMs,
    resetAfterMs: options.backoff?.resetAfterMs ?? DEFAULTS.resetAfterMs,
  };
  if (!(backoff.initialMs > 0) || !(backoff.maxMs >= backoff.initialMs))
    throw new RangeError('createSockdClient: need 0 < initialMs <= maxMs');
  const request_timeout_ms =
    options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const connect_timeout_ms =
    options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  const idle_timeout_ms = options.idleTimeoutMs ?? 0;
  const max_pending = options.maxPending ?? DEFAULTS.maxPending;
  const ticket_path = options.ticketPath ?? '/ticket';
  const socket_path = options.socketPath ?? '/sock';
  const http_base = trim_slash(base);
  socket_url(http_base, socket_path, 'check'); // a bad URL fails here, once
  const random = options.random ?? Math.random;

  // --- state -------------------------------------------------------------
  let state = 'idle';
  let socket = null;
  let connection_id = '';
  let attempt = 0;          // consecutive failed attempts, for the backoff
  let generation = 0;       // bumps per attempt; stale callbacks compare it
  let opened_at = 0;
  let retry_timer = null;
  let retry_at = 0;
  let connect_timer = null;
  let idle_timer = null;
  let next_id = 0;
  const id_prefix = `c${Math.floor(random() * 0x100000).toString(36)}-`;
  const pending = new Map();   // id -> { resolve, reject, timer }
  // topic -> { listeners: Set, sent: SUBSCRIBE sent on this connection,
  //            joined: acknowledged, denied: refused }
  const topics = new Map();
  const handlers = new Map();  // event name -> Set of functions

  // --- events ------------------------------------------------------------
  function on(event, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener not a function');
    let set = handlers.get(event);
    if (!set) handlers.set(event, (set = new Set()));
    set.add(fn);
    return () => off(event, fn);
  }

  function off(event, fn) {
    const set = handlers.get(event);
    if (set) {
      set.delete(fn);
      if (set.size === 0) handlers.delete(event);
    }
  }

  function emit(event, value) {
    const set = handlers.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(value);
      } catch (e) {
        if (event !== 'error') emit('error', e);
      }
    }
  }

  function set_state(next) {
    if (state === next) return;
    state = next;
    emit('state', { state, connected: state === 'open', connectionId: connection_id });
  }

  // --- connecting --------------------------------------------------------
  function connect() {
    if (state === 'closed')
      throw new SockdError('closed', 'client was closed');
    if (state === 'idle') start_attempt();
  }

  async function start_attempt() {
    const gen = ++generation;
    retry_timer = null;
    set_state('connecting');
    let ticket;
    try {
      const token = await options.getToken();
      if (gen !== generation) return;
      if (typeof token !== 'string' || token === '')
        throw new SockdError('no_token', 'getToken() gave no token');
      ticket = await fetch_ticket(token);
      if (gen !== generation) return;
    } catch (e) {
      if (gen !== generation) return;
      emit('error', e instanceof SockdError ? e
        : new SockdError('ticket_failed', `ticket request failed: ${e?.message ?? e}`));
      schedule_retry();
      return;
    }
    open_socket(gen, ticket);
  }

  async function fetch_ticket(token) {
    const abort = typeof AbortController === 'function'
      ? new AbortController() : null;
    const timer = abort ? setTimeout(() => abort.abort(), connect_timeout_ms) : null;
    try {
      const res = await fetchImpl(http_base + ticket_path, {
        method: 'GET',
        headers: { Authorization: `Bearer ${token}` },
        signal: abort?.signal,
      });
      if (!res.ok) throw await error_from_response(res);
      const body = await res.json();
      const ticket = body?.ticket;
      return { ticket, ...split_ticket(ticket) };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  function open_socket(gen, ticket) {
    let ws;
    try {
      ws = new WebSocketImpl(socket_url(http_base, socket_path, ticket.ticket));
    } catch (e) {
      emit('error', new SockdError('socket_failed', String(e?.message ?? e)));
      schedule_retry();
      return;
    }
    socket = ws;
    connect_timer = setTimeout(() => {
      if (gen === generation && state === 'connecting') {
        emit('error', new SockdError('timeout', 'WebSocket did not open in time'));
        drop_socket(ws, 4000, 'open timeout');
        on_socket_gone(gen, { code: 1006, reason: 'open timeout', wasClean: false });
      }
    }, connect_timeout_ms);

    ws.onopen = () => {
      if (gen !== generation) return;
      clearTimeout(connect_timer);
      connection_id = ticket.connectionId;
      opened_at = Date.now();
      set_state('open');
      touch();
      emit('open', { connectionId: connection_id });
      for (const [topic, t] of topics) {
        if (t.listeners.size > 0) send_subscribe(topic, t);
      }
    };
    ws.onmessage = (ev) => {
      if (gen !== generation) return;
      on_text(text_of(ev.data));
    };
    ws.onerror = () => {
      // A close event follows; it carries what there is to know.
    };
    ws.onclose = (ev) => {
      on_socket_gone(gen, {
        code: ev?.code ?? 1006, reason: ev?.reason ?? '',
        wasClean: !!ev?.wasClean,
      });
    };
  }

  function drop_socket(ws, code, reason) {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      if (ws.readyState === 0 || ws.readyState === 1) ws.close(code, reason);
    } catch {
      // Already closing: nothing more to do.
    }
  }

  function on_socket_gone(gen, info) {
    if (gen !== generation || state === 'closed') return;
    clearTimeout(connect_timer);
    clearTimeout(idle_timer);
    const was_open = state === 'open';
    if (was_open && Date.now() - opened_at >= backoff.resetAfterMs) attempt = 0;
    socket = null;
    connection_id = '';
    for (const t of topics.values()) t.joined = t.sent = false;
    reject_pending('disconnected', 'connection lost');
    if (was_open) emit('close', info);
    else emit('error', new SockdError('socket_failed',
      `WebSocket closed before opening (code ${info.code})`));
    schedule_retry();
  }

  function schedule_retry() {
    if (state === 'closed') return;
    // Full jitter: uniform in [0, min(max, initial * 2^attempt)], so a
    // crowd of clients that lost one server spreads out instead of storming.
    const cap = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
    const delay = Math.floor(random() * cap);
    attempt += 1;
    ++generation;
    retry_at = Date.now() + delay;
    set_state('reconnecting');
    emit('reconnecting', { attempt, delayMs: delay });
    retry_timer = setTimeout(start_attempt, delay);
  }

  function touch() {
    if (idle_timeout_ms <= 0) return;
    clearTimeout(idle_timer);
    const gen = generation;
    idle_timer = setTimeout(() => {
      if (gen !== generation || state !== 'open') return;
      emit('error', new SockdError('timeout', 'no frame from the server in time'));
      const ws = socket;
      drop_socket(ws, 4000, 'idle timeout');
      on_socket_gone(gen, { code: 1006, reason: 'idle timeout', wasClean: false });
    }, idle_timeout_ms);
  }

  // --- inbound -----------------------------------------------------------
  function on_text(text) {
    touch();
    if (text === null) return;
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      emit('error', new SockdError('bad_frame', 'server sent invalid JSON'));
      return;
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return;
    if (frame.action === undefined && frame.payload === 'PING') {
      send_raw({ payload: 'PONG' });
      return;
    }
    if (frame.action === undefined && frame.payload === 'PONG') return;
    emit('message', frame);
    if (frame.action === 'ACK') return on_ack(frame);
    if (frame.action === 'ERROR') return on_error_frame(frame);
    const t = typeof frame.topic === 'string' ? topics.get(frame.topic) : null;
    if (!t) return;
    if (frame.action === A.SUBSCRIBE) {
      t.joined = true;
      t.denied = false;
    }
    for (const entry of [...t.listeners]) deliver(entry, frame);
  }

  function deliver(entry, frame) {
    try {
      const r = entry.callback(frame);
      if (r && typeof r.then === 'function')
        r.then(undefined, (e) => emit('error', e));
    } catch (e) {
      emit('error', e);
    }
  }

  function on_ack(frame) {
    const id = frame.payload?.id;
    const p = typeof id === 'string' ? pending.get(id) : undefined;
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(frame);
  }

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

  // --- outbound ----------------------------------------------------------
  function send_raw(frame) {
    if (state !== 'open' || !socket) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      emit('error', new SockdError('send_failed', String(e?.message ?? e)));
      return false;
    }
  }

  function build(store, action, topic, payload, id) {
    const frame = { action, topic };
    if (payload !== undefined) frame.payload = payload;
    if (store) frame.store = true;
    if (id !== undefined) frame.id = id;
    return frame;
  }

  function check_action(action) {
    if (!(Number.isInteger(action) || (typeof action === 'string' && action !== '')))
      throw new TypeError('action must be an integer or a non-empty string');
  }

  /** Fire and forget. Returns false when there is no open connection. */
  function transmit(store, action, topic, payload) {
    check_action(action);
    return send_raw(build(!!store, action, topic, payload));
  }

  /** Sends with an id; resolves with the ACK frame, rejects on ERROR. */
  function request(action, topic, payload, opts = {}) {
    try {
      check_action(action);
    } catch (e) {
      return Promise.reject(e);
    }
    if (state !== 'open')
      return Promise.reject(new SockdError('disconnected', 'not connected', { topic, request: action }));
    if (pending.size >= max_pending)
      return Promise.reject(new SockdError('too_many_pending', 'too many requests in flight', { topic, request: action }));
    const id = id_prefix + (++next_id).toString(36);
    const timeout_ms = opts.timeoutMs ?? request_timeout_ms;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (pending.delete(id))
          reject(new SockdError('timeout', `no answer within ${timeout_ms} ms`, { topic, request: action, id }));
      }, timeout_ms);
      pending.set(id, { resolve, reject, timer });
      if (!send_raw(build(!!opts.store, action, topic, payload, id))) {
        pending.delete(id);
        clearTimeout(timer);
        reject(new SockdError('disconnected', 'not connected', { topic, request: action, id }));
      }
    });
  }

  function reject_pending(code, message) {
    const all = [...pending.entries()];
    pending.clear();
    for (const [id, p] of all) {
      clearTimeout(p.timer);
      p.reject(new SockdError(code, message, { id }));
    }
  }

  // --- topics ------------------------------------------------------------
  function send_subscribe(topic, t) {
    t.sent = true;
    t.joined = false;
    request(A.SUBSCRIBE, topic).then(undefined, (e) => {
      if (e.code === 'disconnected' || e.code === 'timeout') return;
      t.denied = true;
      t.sent = false;
      emit('error', e);
    });
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
    if (!t) topics.set(topic, (t = { listeners: new Set(), joined: false, sent: false, denied: false }));
    const entry = { callback };
    const first = t.listeners.size === 0;
    t.listeners.add(entry);
    if (first) {
      if (state === 'open') send_subscribe(topic, t);
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
      if (t.sent && state === 'open') {
        request(A.UNSUBSCRIBE, topic).then(undefined, (e) => {
          if (e.code !== 'disconnected' && e.code !== 'timeout') emit('error', e);
        });
      }
    };
  }

  // --- lifecycle ---------------------------------------------------------
  function close() {
    if (state === 'closed') return;
    ++generation;
    clearTimeout(retry_timer);
    clearTimeout(connect_timer);
    clearTimeout(idle_timer);
    const ws = socket;
    socket = null;
    const was_open = state === 'open';
    connection_id = '';
    set_state('closed');
    if (ws) drop_socket(ws, 1000, 'client closed');
    reject_pending('closed', 'client closed');
    for (const t of topics.values()) t.joined = t.sent = false;
    if (was_open) emit('close', { code: 1000, reason: 'client closed', wasClean: true });
  }

  /** Resolves once connected (at once when already connected). */
  function waitForOpen(timeoutMs = request_timeout_ms) {
    if (state === 'open') return Promise.resolve(connection_id);
    if (state === 'closed')
      return Promise.reject(new SockdError('closed', 'client was closed'));
    return new Promise((resolve, reject) => {
      let stop_open = null;
      let stop_state = null;
      const timer = setTimeout(() => {
        stop_open();
        stop_state();
        reject(new SockdError('timeout', `not connected within ${timeoutMs} ms`));
      }, timeoutMs);
      stop_open = on('open', ({ connectionId }) => {
        clearTimeout(timer);
        stop_open();
        stop_state();
        resolve(connectionId);
      });
      stop_state = on('state', ({ state: s }) => {
        if (s !== 'closed') return;
        clearTimeout(timer);
        stop_open();
        stop_state();
        reject(new SockdError('closed', 'client was closed'));
      });
    });
  }

  const client = {
    get connectionId() { return connection_id; },
    get connected() { return state === 'open'; },
    get state() { return state; },
    /** Milliseconds until the next reconnect attempt (0 when none). */
    get retryInMs() {
      return state === 'reconnecting' ? Math.max(0, retry_at - Date.now()) : 0;
    },
    get pendingRequests() { return pending.size; },
    topics() { return [...topics.keys()]; },
    isJoined(topic) { return !!topics.get(topic)?.joined; },
    connect,
    close,
    transmit,
    request,
    subscribe,
    waitForOpen,
    on,
    off,
  };
  if (options.autoConnect !== false) connect();
  return client;
}

export default createSockdClient;
