// sockd client: tickets, one WebSocket, topic listeners, acknowledged
// requests and reconnection. Dependency-free; runs in browsers and in Node
// (pass `WebSocket` from the `ws` package there).
//
// This file puts the parts together; each has its own module:
//   options.mjs     the options, checked once, with their defaults
//   ticket.mjs      GET /ticket and the WebSocket URL that redeems it
//   turn.mjs        GET /turn: iceServers for WebRTC
//   connection.mjs  the socket, its states and the reconnect backoff
//   inbound.mjs     what the server sends, sorted
//   requests.mjs    frames out: fire and forget, or acknowledged by id
//   topics.mjs      listeners per topic, (re)subscribing and leaving
//   events.mjs      the client's events
//   actions.mjs, errors.mjs: SocketActions and SockdError
import { SocketActions } from './actions.mjs';
import { create_connection } from './connection.mjs';
import { SockdError } from './errors.mjs';
import { create_emitter } from './events.mjs';
import { create_inbound } from './inbound.mjs';
import { read_options } from './options.mjs';
import { create_requests } from './requests.mjs';
import { create_topics } from './topics.mjs';
import { fetch_ice_servers } from './turn.mjs';

export { SocketActions, SockdError };

/**
 * Creates a client. It starts connecting at once unless `autoConnect` is
 * false. See docs/client.md for the whole API.
 */
export function createSockdClient(options = {}) {
  const cfg = read_options(options);
  const events = create_emitter();
  const { emit } = events;
  // The parts call each other only once the client exists (the connection
  // is declared below; nothing here runs before it is).
  const send = (frame) => connection.send(frame);
  const is_open = () => connection.state === 'open';
  const requests = create_requests(cfg, { send, is_open, emit });
  const topics = create_topics({ request: requests.request, is_open, emit,
                                 recover: cfg.recover });
  const on_text = create_inbound({ send, emit, requests, topics });
  const connection = create_connection(cfg, events, {
    text: on_text,
    opened: () => topics.resubscribe(),
    lost: () => {
      topics.forget_joins();
      requests.reject_pending('disconnected', 'connection lost');
    },
    closed: () => {
      requests.reject_pending('closed', 'client closed');
      topics.forget_joins();
    },
  });

  const client = {
    get connectionId() { return connection.connectionId; },
    get connected() { return connection.state === 'open'; },
    get state() { return connection.state; },
    /** Milliseconds until the next reconnect attempt (0 when none). */
    get retryInMs() { return connection.retryInMs; },
    get pendingRequests() { return requests.size; },
    topics: topics.names,
    isJoined: topics.isJoined,
    isRecovered: topics.isRecovered,
    position: topics.position,
    connect: connection.connect,
    close: connection.close,
    transmit: requests.transmit,
    request: requests.request,
    subscribe: topics.subscribe,
    waitForOpen: connection.waitForOpen,
    /** A fresh TURN credential as RTCPeerConnection's iceServers. */
    iceServers: () => fetch_ice_servers(cfg),
    on: events.on,
    off: events.off,
  };
  if (options.autoConnect !== false) connection.connect();
  return client;
}

export default createSockdClient;
