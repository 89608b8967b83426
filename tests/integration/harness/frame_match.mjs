// Which received frame a test waits for: a function, or a pattern object
// matched as a subset; the ERROR/ACK predicates; and how a predicate and
// the queued frames read in a timeout message.
/// `pred` as a function of a frame (undefined matches every frame).
export function toPredicate(pred) {
  if (typeof pred === 'function') return pred;
  if (pred === undefined) return () => true;
  return (frame) => subset(pred, frame);
}

function subset(pattern, value) {
  if (pattern === null || typeof pattern !== 'object') return pattern === value;
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([k, v]) => subset(v, value[k]));
}

/// `pred` for an error message: its label, its source or the pattern.
export function describePredicate(pred) {
  if (typeof pred === 'function') return pred.label || pred.toString();
  return JSON.stringify(pred);
}

/// Frames for an error message, cut after `limit` characters.
export function show(frames, limit = 3000) {
  const text = JSON.stringify(frames);
  return text.length > limit ? `${text.slice(0, limit)}...` : text;
}

/// A frame predicate: an ERROR frame with `code` (and `topic`, `id` if given).
export function isError(code, { topic, id } = {}) {
  const fn = (f) => f && f.action === 'ERROR' && f.payload
    && f.payload.code === code
    && (topic === undefined || f.topic === topic)
    && (id === undefined || f.payload.id === id);
  fn.label = `ERROR ${code}${topic ? ` on ${topic}` : ''}${id ? ` id ${id}` : ''}`;
  return fn;
}

/// A frame predicate: the ACK of client message `id`.
export function isAck(id) {
  const fn = (f) => f && f.action === 'ACK' && f.payload && f.payload.id === id;
  fn.label = `ACK ${id}`;
  return fn;
}

/// A frame predicate: a relayed message (action 12) on `topic`.
export function isRelay(topic) {
  const fn = (f) => f && f.topic === topic && f.action === 12;
  fn.label = `relay on ${topic}`;
  return fn;
}

/// A frame predicate: the notice (action 4) that `client` (its `sub` and
/// `cid`) left `topic`.
export function isLeft(topic, client) {
  const who = `${client.sub}:${client.cid}`;
  const fn = (f) => f && f.topic === topic && f.action === 4
    && f.payload === who;
  fn.label = `action 4 for ${who}`;
  return fn;
}

/// A frame predicate: any ERROR or ACK frame.
export function isReply(f) {
  return f && (f.action === 'ERROR' || f.action === 'ACK');
}
