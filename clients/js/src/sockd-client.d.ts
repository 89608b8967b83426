// Types for sockd-client.mjs. The wire format is docs/protocol.md;
// docs/client.md describes the API.

export declare const SocketActions: Readonly<{
  PING_CHANNEL: 0;
  START_STREAM: 1;
  STOP_STREAM: 2;
  STREAM_INQUIRY: 3;
  UNSUBSCRIBE_TOPIC: 4;
  SUBSCRIBE_TOPIC: 5;
  LOAD_MESSAGES: 6;
  HAS_MORE_MESSAGES: 7;
  SUBSCRIBE: 8;
  UNSUBSCRIBE: 9;
  LOAD_SUBSCRIBERS: 10;
  SUBSCRIBERS_PRESENT: 11;
  TEXT: 12;
  RTC: 13;
  SET_POSITION: 14;
  SET_PAGE: 15;
  SET_SCALE: 16;
  SET_STROKE: 17;
  DRAW_LINES: 18;
  SHARE_FILE: 19;
  CHANGE_SETTING: 20;
  SUBSCRIBE_INIT: 21;
  SET_SELECTED_TEXT: 22;
  ROLE_CALL: 23;
  PING_PONG: 24;
  SET_BOX: 25;
}>;

/** An integer action (Awayto's SocketActions) or a free-form string. */
export type SocketAction = number | string;

/** A frame as the server sends it (relays, acks of 8/9/10/7/4, history). */
export interface SocketResponse<T = unknown> {
  action: SocketAction;
  topic: string;
  /** Connection id of the origin, stamped by the server. */
  sender: string;
  /** ISO-8601 UTC with milliseconds, set by the server. */
  timestamp: string;
  payload: Partial<T>;
  store?: boolean;
  /** true for messages replayed from storage (LOAD_MESSAGES). */
  historical?: boolean;
}

export type SocketResponseHandler<T = unknown> =
  (response: SocketResponse<T>) => void | Promise<void>;

/** One user of a topic, as LOAD_SUBSCRIBERS reports it. */
export interface SocketParticipant {
  /** The user id (`sub`). */
  scid: string;
  /** Connection ids seen for this user, in order of first appearance. */
  cids: string[];
  name: string;
  role: string;
  color: string;
  exists: boolean;
  online: boolean;
}

/** `{"action":"ACK","topic":T,"payload":{"id":...}}` */
export interface AckFrame {
  action: 'ACK';
  topic?: string;
  payload: { id: string };
}

export type SockdErrorCode =
  | 'bad_frame' | 'bad_action' | 'bad_target' | 'forbidden'
  | 'not_subscribed' | 'rate_limited' | 'unavailable' | 'internal'
  // raised by the client itself
  | 'disconnected' | 'closed' | 'timeout' | 'too_many_pending'
  | 'unauthorized' | 'no_token' | 'bad_ticket' | 'bad_url'
  | 'ticket_failed' | 'socket_failed' | 'send_failed' | 'bad_turn' | 'no_client'
  | 'not_found'
  | (string & {});

export declare class SockdError extends Error {
  constructor(code: SockdErrorCode, message?: string, details?: {
    topic?: string; request?: SocketAction; id?: string; status?: number;
    frame?: unknown;
  });
  readonly code: SockdErrorCode;
  /** The topic of the refused frame, when there was one. */
  readonly topic?: string;
  /** The action of the refused frame. */
  readonly request?: SocketAction;
  /** The client id of the refused frame. */
  readonly id?: string;
  /** HTTP status, for errors from GET /ticket. */
  readonly status?: number;
  /** The ERROR frame as received. */
  readonly frame?: unknown;
}

export type ConnectionState =
  'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SockdClientEvents {
  state: { state: ConnectionState; connected: boolean; connectionId: string };
  open: { connectionId: string };
  close: { code: number; reason: string; wasClean: boolean };
  reconnecting: { attempt: number; delayMs: number };
  /** Every frame received, except keepalives. */
  message: Record<string, unknown>;
  error: SockdError | Error;
}

/** The parts of the WHATWG WebSocket the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string; wasClean?: boolean }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface SockdClientOptions {
  /** HTTP base of sockd, e.g. `http://127.0.0.1:8080` (default: location.origin). */
  url?: string;
  /** Gives the JWT sent to GET /ticket; called before every (re)connect. */
  getToken: () => string | Promise<string>;
  /** WebSocket constructor (default: globalThis.WebSocket; in Node, `ws`). */
  WebSocket?: new (url: string) => WebSocketLike;
  /** fetch (default: globalThis.fetch). */
  fetch?: typeof fetch;
  backoff?: {
    /** First reconnect delay cap (default 500 ms). */
    initialMs?: number;
    /** Largest delay cap (default 30000 ms). */
    maxMs?: number;
    /** A connection that lived this long resets the backoff (default 5000 ms). */
    resetAfterMs?: number;
  };
  /** Time out for request() (default 10000 ms). */
  requestTimeoutMs?: number;
  /** Time out for GET /ticket and the WebSocket opening (default 10000 ms). */
  connectTimeoutMs?: number;
  /** Reconnect when no frame arrived for this long (default 0: off). */
  idleTimeoutMs?: number;
  /** Most requests awaiting their ACK at once (default 1000). */
  maxPending?: number;
  /**
   * Ask for positions and resubscribe with `since` after a reconnect, so
   * that missed frames are replayed (default true; false: plain joins).
   */
  recover?: boolean;
  /** Default `/ticket` (Awayto's path: `/v1/sock/ticket`). */
  ticketPath?: string;
  /** Default `/sock`. */
  socketPath?: string;
  /** Default `/turn` (Awayto-style: `/api/v1/turn`). */
  turnPath?: string;
  /** Start connecting at once (default true). */
  autoConnect?: boolean;
  /** Source of randomness for the jitter (default Math.random). */
  random?: () => number;
}

/**
 * One entry of RTCPeerConnection's `iceServers` as GET /turn gives it (the
 * DOM's RTCIceServer accepts it as it is): the username is
 * `<expiry unix time>:<user id>`, the credential coturn's REST password.
 */
export interface SockdIceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface RequestOptions {
  /** Persist the message (the ACK then means: committed). */
  store?: boolean;
  /** Overrides requestTimeoutMs. */
  timeoutMs?: number;
}

export interface SockdClient {
  /** The current connection's id ('' while not connected). */
  readonly connectionId: string;
  readonly connected: boolean;
  readonly state: ConnectionState;
  /** Milliseconds until the next reconnect attempt (0 when none is due). */
  readonly retryInMs: number;
  readonly pendingRequests: number;
  /** Topics that have listeners. */
  topics(): string[];
  /** Whether the server acknowledged the subscription on this connection. */
  isJoined(topic: string): boolean;
  /** Whether the last join of the topic replayed everything missed. */
  isRecovered(topic: string): boolean;
  /** The last position seen in the topic, or null. */
  position(topic: string): { epoch: string; offset: number } | null;
  /** Starts connecting (only needed with autoConnect: false). */
  connect(): void;
  /** Closes for good: no reconnects; pending requests are rejected. */
  close(): void;
  /** Sends without an id. Returns false when not connected (nothing sent). */
  transmit(store: boolean, action: SocketAction, topic: string, payload?: unknown): boolean;
  /** Sends with an id; resolves with the ACK, rejects with the ERROR. */
  request(action: SocketAction, topic: string, payload?: unknown,
          options?: RequestOptions): Promise<AckFrame>;
  /** Adds a topic listener; returns its remover. */
  subscribe<T = unknown>(topic: string, callback: SocketResponseHandler<T>): () => void;
  /** Resolves with the connection id once connected. */
  waitForOpen(timeoutMs?: number): Promise<string>;
  /**
   * Fetches GET /turn with the login token: a fresh TURN credential for
   * `new RTCPeerConnection({ iceServers })`. Rejects with a SockdError
   * (`no_token`, `unauthorized`, `not_found` when the server has no
   * turn_secret, `bad_turn`). Needs no open socket.
   */
  iceServers(): Promise<SockdIceServer[]>;
  on<E extends keyof SockdClientEvents>(event: E,
    listener: (value: SockdClientEvents[E]) => void): () => void;
  off<E extends keyof SockdClientEvents>(event: E,
    listener: (value: SockdClientEvents[E]) => void): void;
}

export declare function createSockdClient(options: SockdClientOptions): SockdClient;
export default createSockdClient;
