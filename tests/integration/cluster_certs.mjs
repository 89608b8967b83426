// Throwaway certificates for the TLS cluster tests, made with the `openssl`
// command line exactly as docs/security.md tells operators to: a CA, and
// node certificates whose subjectAltName is the node's name, for TLS client
// and server use.
import { execFileSync } from 'node:child_process';
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
/// keeps two certificates for the same name apart.
export function makeNodeCert(dir, ca, name, { tag = ca.name, days = 2 } = {}) {
  const base = path.join(dir, `${name}.${tag}`);
  const ext = `${base}.ext`;
  fs.writeFileSync(ext, [
    `subjectAltName=DNS:${name}`,
    'extendedKeyUsage=serverAuth,clientAuth',
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
