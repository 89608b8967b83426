// The one error type the client reports, whether sockd refused something
// (an ERROR frame, an HTTP error answer) or the client gave up itself.

/** An error reported by sockd (an ERROR frame) or by the client itself. */
export class SockdError extends Error {
  constructor(code, message, details = {}) {
    super(message || code);
    this.name = 'SockdError';
    this.code = code;
    this.topic = details.topic;
    this.request = details.request;
    this.id = details.id;
    this.status = details.status;
    this.frame = details.frame;
  }
}
