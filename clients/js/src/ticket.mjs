// The HTTP side of connecting (docs/protocol.md, "Tickets and upgrade"):
// fetching a ticket with the bearer token, reading it, and the WebSocket
// URL that redeems it. get_with_token is also how turn.mjs fetches /turn.
import { SockdError } from './errors.mjs';

export function trim_slash(s) {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

export function socket_url(http_base, path, ticket) {
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
  // `<authCode>:<connectionId>`: the connection id is the second half.
  const at = typeof ticket === 'string' ? ticket.indexOf(':') : -1;
  if (at <= 0 || at === ticket.length - 1)
    throw new SockdError('bad_ticket', 'malformed ticket from /ticket');
  return { authCode: ticket.slice(0, at), connectionId: ticket.slice(at + 1) };
}

async function error_from_response(res, path) {
  let code = res.status === 401 ? 'unauthorized' : `http_${res.status}`;
  let message = `GET ${path} answered ${res.status}`;
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

/** The login token from `cfg.getToken()`; a SockdError `no_token` if none. */
export async function login_token(cfg) {
  const token = await cfg.getToken();
  if (typeof token !== 'string' || token === '')
    throw new SockdError('no_token', 'getToken() gave no token');
  return token;
}

/**
 * `GET <http_base><path>` with `Authorization: Bearer <token>`: the JSON
 * body, or a SockdError carrying the server's error code. Gives up after
 * `cfg.connect_timeout_ms`.
 */
export async function get_with_token(cfg, path, token) {
  const { fetchImpl } = cfg; // called as a plain function, not as cfg's method
  const abort = typeof AbortController === 'function'
    ? new AbortController() : null;
  const timer = abort
    ? setTimeout(() => abort.abort(), cfg.connect_timeout_ms) : null;
  try {
    const res = await fetchImpl(cfg.http_base + path, {
      method: 'GET',
      headers: { Authorization: `Bearer ${token}` },
      signal: abort?.signal,
    });
    if (!res.ok) throw await error_from_response(res, path);
    return await res.json();
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * A fresh ticket for `token` (tickets are single use): `{ticket, authCode,
 * connectionId}`.
 */
export async function fetch_ticket(cfg, token) {
  const body = await get_with_token(cfg, cfg.ticket_path, token);
  const ticket = body?.ticket;
  return { ticket, ...split_ticket(ticket) };
}
