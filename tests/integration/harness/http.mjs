// HTTP(S) against sockd: any request, and GET /ticket with a bearer
// token. `base` is a URL string or anything with a `url` (a started sockd);
// an https `url` is trusted through the base's `ca` only.
import http from 'node:http';
import https from 'node:https';

/// The URL of `base`: itself when a string, else its `url`.
export function baseUrl(base) {
  return typeof base === 'string' ? base : base.url;
}

/// The CA a TLS client of `base` trusts (undefined: plain or a string).
export function baseCa(base) {
  return typeof base === 'string' ? undefined : base.ca;
}

/// An HTTP request (HTTPS for an https base). Resolves `{status, headers, text, body}` where
/// `body` is the parsed JSON, or undefined when the text is not JSON.
export function request(base, { method = 'GET', path: p = '/', headers = {},
                                body, timeout = 10000 } = {}) {
  const url = new URL(p, baseUrl(base));
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const options = secure ? { method, headers, agent: false, ca: baseCa(base) }
                           : { method, headers, agent: false };
    const req = (secure ? https : http).request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, body: json });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeout, () => {
      req.destroy(new Error(`HTTP ${method} ${url} timed out after ${timeout} ms`));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body); else req.end();
  });
}

/// `GET /ticket` (or `path`) with `Authorization: Bearer <token>`;
/// `authorization` replaces the whole header value, `token: null` omits it.
export function getTicket(base, token, { path: p = '/ticket', origin,
                                          authorization, headers = {} } = {}) {
  const h = { ...headers };
  if (authorization !== undefined) h.Authorization = authorization;
  else if (token !== null && token !== undefined) h.Authorization = `Bearer ${token}`;
  if (origin !== undefined) h.Origin = origin;
  return request(base, { path: p, headers: h });
}
