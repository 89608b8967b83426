// A WebSocket client of sockd whose frames can be awaited one predicate at
// a time (or proven absent for a short window), and the upgrade that opens
// one with a ticket.
import WebSocket from 'ws';

import { describePredicate, show, toPredicate } from './frame_match.mjs';
import { baseCa, baseUrl } from './http.mjs';
import { within } from './util.mjs';

// Clients not yet closed, for closeAllClients().
const live_clients = new Set();

export class Client {
  constructor(ws, ticket) {
    this.ws = ws;
    this.ticket = ticket;
    this.cid = ticket ? String(ticket).split(':')[1] : undefined;
    this.frames = [];        // received, not yet taken by next()
    this.waiters = [];       // pending next() calls, oldest first
    this.watchers = new Set(); // pending none() windows
    this.answerPings = false;
    this.close_info = null;
    this.closed_promise = new Promise((resolve) => { this.resolve_closed = resolve; });
    ws.on('message', (data, isBinary) => this.on_frame(data, isBinary));
    ws.on('close', (code, reason) => this.on_close(code, reason));
    ws.on('error', (err) => { this.last_error = err; });
    live_clients.add(this);
  }

  on_frame(data, isBinary) {
    let frame;
    if (isBinary) {
      frame = Buffer.from(data);
    } else {
      const text = data.toString('utf8');
      try { frame = JSON.parse(text); } catch { frame = text; }
    }
    if (this.answerPings && frame && frame.payload === 'PING'
        && frame.action === undefined) {
      this.send({ payload: 'PONG' });
    }
    for (const w of this.watchers) {
      if (w.match(frame)) w.hit(frame);
    }
    const i = this.waiters.findIndex((w) => w.match(frame));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      clearTimeout(w.timer);
      w.resolve(frame);
      return;
    }
    this.frames.push(frame);
  }

  on_close(code, reason) {
    this.close_info = { code, reason: reason ? reason.toString() : '' };
    live_clients.delete(this);
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(`socket closed (${code} ${this.close_info.reason}) `
                         + `while waiting for ${w.what}; queued: `
                         + `${show(this.frames)}`));
    }
    this.resolve_closed(this.close_info);
  }

  get isOpen() { return this.ws.readyState === WebSocket.OPEN; }

  /// Resolves with the first received frame matching `pred` (a function or
  /// a pattern object matched as a subset). Earlier non-matching frames stay
  /// queued for later calls.
  next(pred, timeoutMs = 5000) {
    const match = toPredicate(pred);
    const what = describePredicate(pred);
    const i = this.frames.findIndex(match);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0]);
    if (this.close_info) {
      return Promise.reject(new Error(
        `socket already closed (${this.close_info.code}) waiting for ${what}; `
        + `queued: ${show(this.frames)}`));
    }
    return new Promise((resolve, reject) => {
      const w = { match, resolve, reject, what };
      w.timer = setTimeout(() => {
        const k = this.waiters.indexOf(w);
        if (k >= 0) this.waiters.splice(k, 1);
        reject(new Error(`timeout after ${timeoutMs} ms waiting for a frame `
                         + `matching ${what}; queued: ${show(this.frames)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /// The next `n` frames matching `pred`, in arrival order.
  async nextN(pred, n, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    const out = [];
    for (let i = 0; i < n; ++i) {
      const left = Math.max(1, deadline - Date.now());
      try {
        out.push(await this.next(pred, left));
      } catch (err) {
        err.message = `got ${i} of ${n} frames: ${err.message}`;
        throw err;
      }
    }
    return out;
  }

  /// Resolves after `ms` unless a frame matching `pred` is queued or arrives
  /// meanwhile, in which case it rejects. Use with small windows only.
  none(pred, ms = 300) {
    const match = toPredicate(pred);
    const what = describePredicate(pred);
    const queued = this.frames.find(match);
    if (queued !== undefined) {
      return Promise.reject(new Error(`unexpected frame matching ${what}: `
                                      + `${show(queued)}`));
    }
    return new Promise((resolve, reject) => {
      const w = { match };
      const timer = setTimeout(() => { this.watchers.delete(w); resolve(); }, ms);
      w.hit = (frame) => {
        clearTimeout(timer);
        this.watchers.delete(w);
        reject(new Error(`unexpected frame matching ${what}: ${show(frame)}`));
      };
      this.watchers.add(w);
    });
  }

  /// The queued (received, not yet taken) frames matching `pred`.
  queued(pred) {
    return this.frames.filter(toPredicate(pred));
  }

  /// Removes and returns the queued frames matching `pred`.
  take(pred) {
    const match = toPredicate(pred);
    const out = [];
    this.frames = this.frames.filter((f) => {
      if (match(f)) { out.push(f); return false; }
      return true;
    });
    return out;
  }

  /// Sends an object as JSON, or a string as it is.
  send(frame) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  sendBinary(buf) {
    this.ws.send(buf, { binary: true });
  }

  /// Sends a PING keepalive and waits for its PONG: everything the server
  /// sent this connection before the PONG is then in the queue.
  async roundTrip(timeoutMs = 5000) {
    this.send({ payload: 'PING' });
    return this.next((f) => f && f.payload === 'PONG' && f.action === undefined,
                     timeoutMs);
  }

  /// Joins `topic` and waits for its ack.
  async subscribe(topic, timeoutMs = 5000) {
    this.send({ action: 8, topic });
    const fn = (f) => f && (f.action === 8 || f.action === 'ERROR')
      && f.topic === topic;
    fn.label = `SUBSCRIBE ack of ${topic}`;
    const frame = await this.next(fn, timeoutMs);
    if (frame.action !== 8) {
      throw new Error(`SUBSCRIBE ${topic} refused: ${JSON.stringify(frame)}`);
    }
    return frame;
  }

  /// Resolves `{code, reason}` once the socket is closed.
  closed(timeoutMs = 10000) {
    return within(this.closed_promise, timeoutMs, 'socket close');
  }

  /// Starts a clean close and waits for it to complete.
  close(code = 1000, reason = '') {
    if (!this.close_info && this.ws.readyState !== WebSocket.CLOSING) {
      this.ws.close(code, reason);
    }
    return this.closed();
  }

  terminate() {
    if (!this.close_info) this.ws.terminate();
  }
}

/// Terminates every client still open (for `afterEach`).
export function closeAllClients() {
  for (const c of [...live_clients]) c.terminate();
}

/// Upgrades `GET /sock?ticket=...` (wss for an https base, trusting its ca). Resolves with a Client, or rejects with
/// an error carrying `status`, `body` and `headers` of a refused upgrade.
/// `ticket: null` sends no ticket parameter.
export function openSocket(base, ticket, { origin, path: p = '/sock',
                                           autoPong = true, answerPings = false,
                                           headers, timeout = 10000 } = {}) {
  const url = new URL(baseUrl(base));
  const secure = url.protocol === 'https:';
  url.protocol = secure ? 'wss:' : 'ws:';
  const target = ticket === null ? `${url.origin}${p}`
                                 : `${url.origin}${p}?ticket=${ticket}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target, { origin, headers, autoPong,
                                       handshakeTimeout: timeout,
                                       ...(secure ? { ca: baseCa(base) } : {}) });
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      fn(value);
    };
    ws.on('unexpected-response', (req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let body;
        try { body = JSON.parse(text); } catch { body = undefined; }
        const err = new Error(`upgrade refused: HTTP ${res.statusCode} ${text}`);
        err.status = res.statusCode;
        err.body = body;
        err.text = text;
        err.headers = res.headers;
        settle(reject, err);
        req.destroy();
      });
    });
    ws.on('error', (err) => settle(reject, err));
    ws.on('open', () => {
      const client = new Client(ws, ticket);
      client.answerPings = answerPings;
      settle(resolve, client);
    });
  });
}
