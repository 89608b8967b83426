// createSockdClient's options, checked once and given their defaults: a
// mistake (no token source, a bad URL, a backoff that cannot work) throws
// at creation, never later inside a reconnect loop.
import { socket_url, trim_slash } from './ticket.mjs';

const DEFAULTS = Object.freeze({
  initialMs: 500,
  maxMs: 30000,
  resetAfterMs: 5000,
  requestTimeoutMs: 10000,
  connectTimeoutMs: 10000,
  maxPending: 1000,
});

export function read_options(options) {
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
  const cfg = {
    // Called as the caller's method, as before: `this` is `options`.
    getToken: () => options.getToken(),
    WebSocketImpl,
    fetchImpl,
    backoff,
    request_timeout_ms: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    connect_timeout_ms: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    idle_timeout_ms: options.idleTimeoutMs ?? 0,
    max_pending: options.maxPending ?? DEFAULTS.maxPending,
    // Positions and SUBSCRIBE `since` after a reconnect; false: plain joins.
    recover: options.recover !== false,
    ticket_path: options.ticketPath ?? '/ticket',
    turn_path: options.turnPath ?? '/turn',
    socket_path: options.socketPath ?? '/sock',
    http_base: trim_slash(base),
    random: options.random ?? Math.random,
  };
  socket_url(cfg.http_base, cfg.socket_path, 'check'); // a bad URL fails here, once
  return cfg;
}
