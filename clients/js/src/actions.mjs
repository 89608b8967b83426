// Awayto's action numbers, as sent on the wire (docs/client.md; how sockd
// reads an action: docs/protocol.md, "Frames").

/** Awayto's SocketActions, as numbered on the wire. */
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
