// Tokens minted by hand: HMAC (HS256/384/512), RS256 with a fresh RSA key
// pair, `alg: none`, and the ordinary user token the tests connect with.
import crypto from 'node:crypto';

import { SECRET } from './constants.mjs';

function b64url(value) {
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(
    typeof value === 'string' ? value : JSON.stringify(value));
  return buf.toString('base64url');
}

const HMAC_HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/// An HMAC-signed JWT (HS256 unless `alg` says HS384/HS512).
export function hs256Token(secret, claims, { alg = 'HS256', header = {} } = {}) {
  const head = b64url({ alg, typ: 'JWT', ...header });
  const body = b64url(claims);
  const sig = crypto.createHmac(HMAC_HASH[alg], secret)
    .update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(sig)}`;
}

/// A JWT with `alg: none` and an empty signature.
export function noneToken(claims) {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}

/// An RSA key pair: `{publicKeyPem, privateKey}`.
export function rsaKeyPair() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa',
    { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
    privateKey,
  };
}

/// An RS256 JWT signed with `privateKey`.
export function rs256Token(privateKey, claims, { header = {} } = {}) {
  const head = b64url({ alg: 'RS256', typ: 'JWT', ...header });
  const body = b64url(claims);
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), privateKey);
  return `${head}.${body}.${b64url(sig)}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/// A valid HS256 token for `sub`, expiring in ten minutes.
export function userToken(sub, secret = SECRET, extra = {}) {
  return hs256Token(secret, { sub, exp: nowSeconds() + 600, ...extra });
}
