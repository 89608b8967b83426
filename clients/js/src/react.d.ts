// Types for react.mjs: Awayto's WebSocketProvider / useWebSocketSubscribe on
// top of the sockd client.
import type * as React from 'react';
import type {
  SockdClient, SockdClientOptions, SockdIceServer, SocketAction,
  SocketParticipant, SocketResponseHandler,
} from './sockd-client.js';

export { SocketActions } from './sockd-client.js';
export type {
  SocketAction, SocketParticipant, SocketResponse, SocketResponseHandler,
} from './sockd-client.js';

/** Exactly the seed's WebSocketContextType. */
export type WebSocketContextType = {
  connectionId: string;
  connected: boolean;
  transmit: (store: boolean, action: SocketAction, topic: string,
             payload?: Partial<unknown>) => void;
  subscribe: <T>(topic: string, callback: SocketResponseHandler<T>) => () => void;
};

export declare const WebSocketContext: React.Context<WebSocketContextType>;
export declare const SockdClientContext: React.Context<SockdClient | null>;

export type WebSocketProviderProps =
  Partial<Omit<SockdClientOptions, 'autoConnect' | 'random'>> & {
    children?: React.ReactNode;
    /** Use this client instead of making one (the caller closes it). */
    client?: SockdClient;
    /** Errors from the client (ticket failures, refused frames, ...). */
    onError?: (error: Error) => void;
  };

export declare function WebSocketProvider(
  props: WebSocketProviderProps): React.ReactElement;

export declare function useSockdClient(): SockdClient | null;
export declare function useWebSocketSend(): WebSocketContextType['transmit'];

/**
 * A stable function fetching a fresh TURN credential (client.iceServers(),
 * GET /turn) as RTCPeerConnection's iceServers; rejects with SockdError
 * `no_client` outside a provider.
 */
export declare function useIceServers(): () => Promise<SockdIceServer[]>;

/** A stable light background colour for a user id. */
export declare function colorFor(id: string): string;

export interface UseWebSocketSubscribeOptions {
  /** Page size of the history loaded on join (default 10, at most 100). */
  pageSize?: number;
}

export interface UseWebSocketSubscribe<T> {
  /** User id -> participant: LOAD_SUBSCRIBERS answers merged with leave notices. */
  userList: Map<string, SocketParticipant>;
  /** The server acknowledged the join on the current connection. */
  subscribed: boolean;
  /** The last user who came online in this topic. */
  subscriber?: SocketParticipant;
  /** The last user who went offline in this topic. */
  unsubscriber?: SocketParticipant;
  connectionId: string;
  connected: boolean;
  /** A HAS_MORE_MESSAGES came after the last loadMessages(). */
  hasMore: boolean;
  /**
   * The last join replayed every frame missed while disconnected (SUBSCRIBE
   * `since`): the hook then skips its reload of page 1. False on a first
   * join and when the server could not replay.
   */
  recovered: boolean;
  /** Sends with store:true. Returns false when not connected. */
  storeMessage: (action: SocketAction, payload?: Partial<T>) => boolean;
  /** Sends without storing. Returns false when not connected. */
  sendMessage: (action: SocketAction, payload?: Partial<T>) => boolean;
  /**
   * Asks for a page of history (newest first, page 1 = newest); the frames
   * reach the callback with historical:true. Resolves after the last one.
   */
  loadMessages: (page?: number, pageSize?: number) => Promise<void>;
}

export declare function useWebSocketSubscribe<T = unknown>(
  topic: string, callback: SocketResponseHandler<T>,
  options?: UseWebSocketSubscribeOptions): UseWebSocketSubscribe<T>;
