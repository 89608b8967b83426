// TURN credentials for WebRTC (docs/protocol.md, "TURN credentials"):
// GET /turn with the login token, the same request the ticket makes
// (ticket.mjs), answered with RTCPeerConnection's `iceServers`.
import { SockdError } from './errors.mjs';
import { get_with_token, login_token } from './ticket.mjs';

/**
 * The iceServers of a fresh credential for the current user, ready for
 * `new RTCPeerConnection({ iceServers })`. Throws a SockdError: `no_token`,
 * the server's code (`unauthorized`, `not_found` when the server has no
 * turn_secret) or `bad_turn` for an answer without an iceServers array.
 */
export async function fetch_ice_servers(cfg) {
  const body = await get_with_token(cfg, cfg.turn_path, await login_token(cfg));
  if (!Array.isArray(body?.iceServers))
    throw new SockdError('bad_turn', `GET ${cfg.turn_path} gave no iceServers`);
  return body.iceServers;
}
