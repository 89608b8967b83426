// Awayto's SocketActions enum (ts/src/hooks/web_socket.ts) as a two-way
// map, as TypeScript compiles a numeric enum: SocketActions.TEXT is 12 and
// SocketActions[12] is 'TEXT' (Awayto sends that name as `actionName`).
const NAMES = [
  'PING_CHANNEL', 'START_STREAM', 'STOP_STREAM', 'STREAM_INQUIRY',
  'UNSUBSCRIBE_TOPIC', 'SUBSCRIBE_TOPIC', 'LOAD_MESSAGES',
  'HAS_MORE_MESSAGES', 'SUBSCRIBE', 'UNSUBSCRIBE', 'LOAD_SUBSCRIBERS',
  'SUBSCRIBERS_PRESENT', 'TEXT', 'RTC', 'SET_POSITION', 'SET_PAGE',
  'SET_SCALE', 'SET_STROKE', 'DRAW_LINES', 'SHARE_FILE', 'CHANGE_SETTING',
  'SUBSCRIBE_INIT',
];

export const SocketActions = {};
NAMES.forEach((name, n) => {
  SocketActions[name] = n;
  SocketActions[n] = name;
});
