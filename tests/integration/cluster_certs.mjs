// Throwaway certificates for the TLS tests, made with the `openssl` command
// line exactly as docs/security.md tells operators to: a CA, node
// certificates whose subjectAltName is the node's name, for TLS client and
// server use (the cluster), and server certificates for the listen port
// (127.0.0.1 and localhost), with their serial and SPKI hash.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
            '-nodes'];

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'],
                                  timeout: 20000 });
}

/// A directory for one test file's certificates; `cleanup()` removes it.
export function certDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-certs-'));
  return {
    dir,
    cleanup() { fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

/// A self-signed CA `name` in `dir`: `{ name, cert, key }` (file paths).
export function makeCa(dir, name) {
  const cert = path.join(dir, `${name}.ca.pem`);
  const key = path.join(dir, `${name}.ca.key`);
  openssl(['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '2',
           '-subj', `/CN=${name}`,
           '-addext', 'basicConstraints=critical,CA:TRUE',
           '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { name, cert, key };
}

/// A certificate for node `name` signed by `ca`: `{ cert, key }`. `tag`
/// keeps two certificates for the same name apart; `san` replaces the
/// subjectAltName (`DNS:<name>`), `usage` the extended key usage.
export function makeNodeCert(dir, ca, name, { tag = ca.name, days = 2,
                                              san = `DNS:${name}`,
                                              usage = 'serverAuth,clientAuth' }
                             = {}) {
  const base = path.join(dir, `${name}.${tag}`);
  const ext = `${base}.ext`;
  fs.writeFileSync(ext, [
    `subjectAltName=${san}`,
    `extendedKeyUsage=${usage}`,
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'basicConstraints=CA:FALSE',
  ].join('\n'));
  openssl(['req', ...EC, '-keyout', `${base}.key`, '-out', `${base}.csr`,
           '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', ca.cert,
           '-CAkey', ca.key, '-CAcreateserial', '-out', `${base}.pem`,
           '-days', String(days), '-extfile', ext], dir);
  return { cert: `${base}.pem`, key: `${base}.key` };
}

/// sockd options for a node with `node` ({cert, key}) and the CA file `ca`.
export function tlsArgs(node, ca) {
  return {
    cluster_tls_cert: node.cert,
    cluster_tls_key: node.key,
    cluster_tls_ca: ca.cert,
  };
}

/// A certificate of the listen port signed by `ca` for 127.0.0.1 and
/// localhost: `{ cert, key, serial, spki }` (serial in upper-case hex as
/// Node's getPeerCertificate() gives it; spki: base64 SHA-256 of the
/// SubjectPublicKeyInfo, as Chromium's --ignore-certificate-errors-spki-list
/// takes it).
export function makeServerCert(dir, ca, { tag = ca.name } = {}) {
  const made = makeNodeCert(dir, ca, 'localhost', {
    tag, san: 'IP:127.0.0.1,DNS:localhost', usage: 'serverAuth' });
  const x509 = new crypto.X509Certificate(fs.readFileSync(made.cert));
  const spki = crypto.createHash('sha256')
    .update(x509.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  return { ...made, serial: x509.serialNumber, spki };
}
