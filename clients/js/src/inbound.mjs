// What the server sends, sorted: keepalives answered, ACK and ERROR frames
// to the requests waiting for them, everything else to the listeners of its
// topic (docs/protocol.md, "Frames").
import { SockdError } from './errors.mjs';

/** The text of a WebSocket message; null for binary, which is no frame. */
export function text_of(data) {
  if (typeof data === 'string') return data;
  // Binary frames (Blob, ArrayBuffer) are not part of the protocol.
  if (typeof ArrayBuffer === 'function' && data instanceof ArrayBuffer) return null;
  if (typeof Blob === 'function' && data instanceof Blob) return null;
  // `ws` hands text over as a Buffer when used without its EventTarget.
  if (data && typeof data.toString === 'function') return data.toString();
  return null;
}

/** `send(frame)` writes on the open socket; `requests`, `topics` settle. */
export function create_inbound({ send, emit, requests, topics }) {
  return function on_text(text) {
    if (text === null) return;
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      emit('error', new SockdError('bad_frame', 'server sent invalid JSON'));
      return;
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return;
    if (frame.action === undefined && frame.payload === 'PING') {
      send({ payload: 'PONG' });
      return;
    }
    if (frame.action === undefined && frame.payload === 'PONG') return;
    emit('message', frame);
    if (frame.action === 'ACK') return requests.on_ack(frame);
    if (frame.action === 'ERROR') return requests.on_error_frame(frame);
    topics.dispatch(frame);
  };
}
