// The TLS mode of the harness: a throwaway CA and a certificate of the
// listen port, made once per test process with the openssl command line
// (../cluster_certs.mjs). With SOCKD_TEST_TLS=1 every sockd the harness
// starts speaks HTTPS/WSS with them (the same tests, over TLS); a test may
// also pass its own files to startSockd({ tls }). Clients trust that CA
// only (sockd.ca), never "any certificate".
import fs from 'node:fs';

import { certDir, makeCa, makeServerCert } from '../cluster_certs.mjs';

let made = null;

/// True when the whole run is in TLS mode (SOCKD_TEST_TLS=1).
export function tlsModeOn() {
  return process.env.SOCKD_TEST_TLS === '1';
}

/// `{ dir, ca, server }` of this process, made on first use; the
/// directory goes when the process exits.
export function testCertificates() {
  if (made) return made;
  const dir = certDir();
  process.on('exit', () => dir.cleanup());
  const ca = makeCa(dir.dir, 'sockd-test-ca');
  made = { dir: dir.dir, ca, server: makeServerCert(dir.dir, ca) };
  return made;
}

/// What startSockd() needs for `tls`: its option (`true`: the process's
/// certificate; an object `{cert, key, ca}` of file paths; false/undefined:
/// plain unless TLS mode is on). Returns null (plain) or
/// `{ args, ca }` with `ca` the PEM text clients trust.
export function resolveTls(tls) {
  if (tls === false || (tls === undefined && !tlsModeOn())) return null;
  const files = (tls && typeof tls === 'object') ? tls : (() => {
    const c = testCertificates();
    return { cert: c.server.cert, key: c.server.key, ca: c.ca.cert };
  })();
  return {
    args: { tls_cert: files.cert, tls_key: files.key },
    ca: fs.readFileSync(files.ca),
  };
}
