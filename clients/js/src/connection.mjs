// The one WebSocket and its states:
//
//   idle --connect()--> connecting --open--> open
//                          ^   |               |
//                          |   | failure       | socket closed
//                          |   v               v
//                          +-- reconnecting <--+   (backoff with full jitter)
//
//   any state --close()--> closed (terminal)
//
// Every attempt fetches a fresh ticket (tickets are single use). Each
// attempt bumps `generation`; a callback of an older attempt compares it
// and does nothing, so a late event of a dropped socket changes nothing.
import { SockdError } from './errors.mjs';
import { text_of } from './inbound.mjs';
import { fetch_ticket, login_token, socket_url } from './ticket.mjs';

/**
 * `events` is the client's emitter. `hooks.text(text)` gets every message
 * (null for binary ones); `hooks.opened()` runs once the socket is open,
 * `hooks.lost()` when it went, `hooks.closed()` when close() ends it all.
 */
export function create_connection(cfg, events, hooks) {
  const { emit } = events;
  const { backoff, random } = cfg;
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

  function set_state(next) {
    if (state === next) return;
    state = next;
    emit('state', { state, connected: state === 'open', connectionId: connection_id });
  }

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
      const token = await login_token(cfg);
      if (gen !== generation) return;
      ticket = await fetch_ticket(cfg, token);
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

  function open_socket(gen, ticket) {
    let ws;
    try {
      ws = new cfg.WebSocketImpl(socket_url(cfg.http_base, cfg.socket_path, ticket.ticket));
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
    }, cfg.connect_timeout_ms);

    ws.onopen = () => {
      if (gen !== generation) return;
      clearTimeout(connect_timer);
      connection_id = ticket.connectionId;
      opened_at = Date.now();
      set_state('open');
      touch();
      emit('open', { connectionId: connection_id });
      hooks.opened();
    };
    ws.onmessage = (ev) => {
      if (gen !== generation) return;
      const text = text_of(ev.data);
      touch(); // any message is a sign of life, binary included
      hooks.text(text);
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
    hooks.lost();
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

  // With `idleTimeoutMs`, a connection that hears nothing for that long
  // (not even the server's PINGs) is taken for dead and replaced.
  function touch() {
    if (cfg.idle_timeout_ms <= 0) return;
    clearTimeout(idle_timer);
    const gen = generation;
    idle_timer = setTimeout(() => {
      if (gen !== generation || state !== 'open') return;
      emit('error', new SockdError('timeout', 'no frame from the server in time'));
      const ws = socket;
      drop_socket(ws, 4000, 'idle timeout');
      on_socket_gone(gen, { code: 1006, reason: 'idle timeout', wasClean: false });
    }, cfg.idle_timeout_ms);
  }

  /** Writes a frame; false when there is no open socket or it failed. */
  function send(frame) {
    if (state !== 'open' || !socket) return false;
    try {
      socket.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      emit('error', new SockdError('send_failed', String(e?.message ?? e)));
      return false;
    }
  }

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
    hooks.closed();
    if (was_open) emit('close', { code: 1000, reason: 'client closed', wasClean: true });
  }

  /** Resolves once connected (at once when already connected). */
  function waitForOpen(timeoutMs = cfg.request_timeout_ms) {
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
      stop_open = events.on('open', ({ connectionId }) => {
        clearTimeout(timer);
        stop_open();
        stop_state();
        resolve(connectionId);
      });
      stop_state = events.on('state', ({ state: s }) => {
        if (s !== 'closed') return;
        clearTimeout(timer);
        stop_open();
        stop_state();
        reject(new SockdError('closed', 'client was closed'));
      });
    });
  }

  return {
    connect,
    close,
    send,
    waitForOpen,
    get state() { return state; },
    get connectionId() { return connection_id; },
    /** Milliseconds until the next reconnect attempt (0 when none). */
    get retryInMs() {
      return state === 'reconnecting' ? Math.max(0, retry_at - Date.now()) : 0;
    },
  };
}
