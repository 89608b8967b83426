// React layer over sockd-client.mjs with the API of Awayto's seed
// (WebSocketProvider, WebSocketContext, useWebSocketSubscribe). Written with
// React.createElement, so it needs no build step; React is a peer dependency
// of this file only.
import * as React from 'react';
import { createSockdClient, SockdError, SocketActions } from './sockd-client.mjs';

const A = SocketActions;
const h = React.createElement;

const offline = Object.freeze({
  connectionId: '',
  connected: false,
  transmit: () => false,
  subscribe: () => () => {},
});

/** The seed's WebSocketContextType: {connectionId, connected, transmit, subscribe}. */
export const WebSocketContext = React.createContext(offline);

/** The underlying client (null until the provider has made it). */
export const SockdClientContext = React.createContext(null);

/**
 * Owns one client for its subtree. Either pass `client` (the provider then
 * uses it and leaves closing it to you) or the options of createSockdClient
 * (`url`, `getToken`, `WebSocket`, `fetch`, `backoff`, ...); the provider then
 * makes the client on mount and closes it on unmount or when `url` changes.
 */
export function WebSocketProvider(props) {
  const { children, client: given, url } = props;
  const [client, setClient] = React.useState(given ?? null);
  const [conn, setConn] = React.useState({ connectionId: '', connected: false });
  const propsRef = React.useRef(props);
  propsRef.current = props;

  React.useEffect(() => {
    let c = given;
    if (!c) {
      const p = propsRef.current;
      c = createSockdClient({
        url: p.url,
        // Read through the ref so a new getToken prop needs no reconnect.
        getToken: () => propsRef.current.getToken(),
        WebSocket: p.WebSocket,
        fetch: p.fetch,
        backoff: p.backoff,
        requestTimeoutMs: p.requestTimeoutMs,
        connectTimeoutMs: p.connectTimeoutMs,
        idleTimeoutMs: p.idleTimeoutMs,
        ticketPath: p.ticketPath,
        socketPath: p.socketPath,
        turnPath: p.turnPath,
      });
    }
    setClient(c);
    const sync = () =>
      setConn({ connectionId: c.connectionId, connected: c.connected });
    sync();
    const stop_state = c.on('state', sync);
    const stop_error = c.on('error', (e) => propsRef.current.onError?.(e));
    return () => {
      stop_state();
      stop_error();
      if (!given) c.close();
    };
  }, [given, url]);

  const transmit = React.useCallback(
    (store, action, topic, payload) =>
      client ? client.transmit(store, action, topic, payload) : false,
    [client]);
  const subscribe = React.useCallback(
    (topic, callback) =>
      client ? client.subscribe(topic, callback) : () => {},
    [client]);
  const value = React.useMemo(() => ({
    connectionId: conn.connectionId,
    connected: conn.connected,
    transmit,
    subscribe,
  }), [conn, transmit, subscribe]);

  return h(SockdClientContext.Provider, { value: client },
    h(WebSocketContext.Provider, { value }, children));
}

/** The provider's client, for request(), events and the rest. */
export function useSockdClient() {
  return React.useContext(SockdClientContext);
}

/**
 * A stable function that fetches a fresh TURN credential through the
 * provider's client (client.iceServers(), GET /turn), for
 * `new RTCPeerConnection({ iceServers: await getIceServers() })`. Fetch per
 * call rather than once: the credential expires after the server's
 * turn_ttl. Rejects with SockdError `no_client` outside a provider.
 */
export function useIceServers() {
  const client = React.useContext(SockdClientContext);
  return React.useCallback(
    () => (client ? client.iceServers()
      : Promise.reject(new SockdError('no_client',
        'useIceServers: no WebSocketProvider client yet'))),
    [client]);
}

/** Awayto's useWebSocketSend: the context's transmit. */
export function useWebSocketSend() {
  return React.useContext(WebSocketContext).transmit;
}

function union(a, b) {
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out;
}

/** A stable light background colour per user, when the server gives none. */
export function colorFor(id) {
  let n = 0;
  for (let i = 0; i < id.length; ++i) n = (n * 31 + id.charCodeAt(i)) >>> 0;
  return `hsl(${n % 360}, 70%, 85%)`;
}

// `<userSub>:<connectionId>`; a sub may hold ':' but a connection id does not.
function split_socket_id(s) {
  const at = typeof s === 'string' ? s.lastIndexOf(':') : -1;
  return at <= 0 ? null : { sub: s.slice(0, at), cid: s.slice(at + 1) };
}

/**
 * Joins `topic` for as long as the component is mounted and hands every
 * topic message to `callback`. Returns the seed's shape plus history paging:
 * {userList, subscribed, subscriber, unsubscriber, connectionId, connected,
 *  storeMessage, sendMessage, loadMessages, hasMore}.
 *
 * On each join acknowledgement (also after a reconnect) it asks for the
 * participants, and when that answer comes back for its own request, for the
 * first page of history (`options.pageSize`, default 10), as Awayto does.
 */
export function useWebSocketSubscribe(topic, callback, options = {}) {
  const { connectionId, connected, transmit, subscribe } =
    React.useContext(WebSocketContext);
  const client = React.useContext(SockdClientContext);
  const page_size = options.pageSize ?? 10;

  const [subscribed, setSubscribed] = React.useState(false);
  const [userList, setUserList] = React.useState(() => new Map());
  const [subscriber, setSubscriber] = React.useState(undefined);
  const [unsubscriber, setUnsubscriber] = React.useState(undefined);
  const [hasMore, setHasMore] = React.useState(false);
  const [recovered, setRecovered] = React.useState(false);

  const callbackRef = React.useRef(callback);
  callbackRef.current = callback;
  const cidRef = React.useRef(connectionId);
  cidRef.current = connectionId;
  const pageSizeRef = React.useRef(page_size);
  pageSizeRef.current = page_size;
  const clientRef = React.useRef(client);
  clientRef.current = client;

  const loadMessages = React.useCallback((page = 1, pageSize) => {
    const size = pageSize ?? pageSizeRef.current;
    setHasMore(false);
    const c = clientRef.current;
    const payload = { page, pageSize: size };
    if (c) {
      return c.request(A.LOAD_MESSAGES, topic, payload).then(() => undefined);
    }
    transmit(false, A.LOAD_MESSAGES, topic, payload);
    return Promise.resolve();
  }, [topic, transmit]);
  const loadRef = React.useRef(loadMessages);
  loadRef.current = loadMessages;

  React.useEffect(() => {
    if (!topic) return undefined;
    // The participant list mirrored in a ref, so the listener reads the
    // latest one synchronously; connection ids known to be subscribed now
    // decide whether a leave notice takes a whole user offline.
    let list = new Map();
    const live = new Set();
    let listed = false;           // a participant answer came since the join
    let history_asked = false;    // page 1 was asked for since the join
    setUserList(list);
    setRecovered(false);
    setSubscribed(false);
    setHasMore(false);
    setSubscriber(undefined);
    setUnsubscriber(undefined);

    // The client knows its connection id before React re-rendered.
    const own_cid = () => clientRef.current?.connectionId || cidRef.current;

    const commit = (next) => {
      list = next;
      setUserList(next);
    };

    const on_participants = (msg) => {
      const incoming = msg.payload && typeof msg.payload === 'object'
        ? msg.payload : {};
      if (typeof msg.sender === 'string') live.add(msg.sender);
      const next = new Map(list);
      const seen = new Set();
      let arrived;
      for (const [uid, p] of Object.entries(incoming)) {
        if (!p || typeof p !== 'object') continue;
        const old = next.get(uid);
        const merged = {
          scid: uid, name: '', role: '', color: '', exists: true,
          ...old, ...p,
          cids: union(old?.cids ?? [], Array.isArray(p.cids) ? p.cids : []),
          online: !!p.online,
        };
        merged.color = merged.color || old?.color || colorFor(uid);
        if (listed && merged.online && !old?.online) arrived = merged;
        next.set(uid, merged);
        seen.add(uid);
      }
      // The answer is the server's whole view: anyone missing is offline.
      for (const [uid, u] of next) {
        if (!seen.has(uid) && u.online) next.set(uid, { ...u, online: false });
      }
      commit(next);
      if (arrived) setSubscriber(arrived);
      listed = true;
      if (msg.sender === own_cid() && !history_asked) {
        history_asked = true;
        loadRef.current(1).catch(() => {});
      }
    };

    const on_leave = (msg) => {
      const who = split_socket_id(
        typeof msg.payload === 'string' ? msg.payload : msg.sender);
      if (!who) return;
      live.delete(who.cid);
      const u = list.get(who.sub);
      if (!u) return;
      const still = u.cids.some((c) => c !== who.cid && live.has(c));
      const next = new Map(list);
      const left = { ...u, cids: union(u.cids, [who.cid]), online: still };
      next.set(who.sub, left);
      commit(next);
      if (!still) setUnsubscriber(left);
    };

    const stop = subscribe(topic, (msg) => {
      switch (msg.action) {
        case A.SUBSCRIBE:
          listed = false;
          // A join that replayed everything missed (its frames came
          // before this ack) needs no reload of page 1: that would show
          // stored messages twice.
          history_asked = msg.recovered === true;
          setRecovered(msg.recovered === true);
          live.clear();
          if (own_cid()) live.add(own_cid());
          setSubscribed(true);
          transmit(false, A.LOAD_SUBSCRIBERS, topic);
          return undefined;
        case A.UNSUBSCRIBE:
          setSubscribed(false);
          return undefined;
        case A.LOAD_SUBSCRIBERS:
          on_participants(msg);
          return undefined;
        case A.UNSUBSCRIBE_TOPIC:
          on_leave(msg);
          return undefined;
        case A.HAS_MORE_MESSAGES:
          setHasMore(true);
          break;
        default:
          if (!msg.historical && typeof msg.sender === 'string')
            live.add(msg.sender);
      }
      return callbackRef.current?.(msg);
    });
    return () => {
      stop();
      setSubscribed(false);
    };
  }, [topic, subscribe, transmit]);

  // Connection lost: the server forgot the membership; the client joins
  // again by itself and the next ack flips this back.
  React.useEffect(() => {
    if (!connected) setSubscribed(false);
  }, [connected]);

  return React.useMemo(() => ({
    userList,
    subscribed,
    subscriber,
    unsubscriber,
    connectionId,
    connected,
    hasMore,
    recovered,
    storeMessage: (action, payload) =>
      connected ? transmit(true, action, topic, payload) : false,
    sendMessage: (action, payload) =>
      connected ? transmit(false, action, topic, payload) : false,
    loadMessages,
  }), [userList, subscribed, subscriber, unsubscriber, connectionId,
    connected, hasMore, recovered, transmit, topic, loadMessages]);
}

export { SocketActions };
