// deploy/systemd/sockd.service passes `systemd-analyze verify` (docs/
// operations.md, "Running under systemd"), with ExecStart pointed at the
// built binary: verify checks that the command exists and is executable.
// The READY=1 handshake itself is tests/unit/support/systemd_notify.cpp.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
                          '../..');
const unit = path.join(root, 'deploy/systemd/sockd.service');

function verify(file) {
  return new Promise((resolve) => {
    execFile('systemd-analyze', ['verify', file], { timeout: 30000 },
             (err, stdout, stderr) => resolve({
               code: err ? (err.code ?? 1) : 0, output: stdout + stderr }));
  });
}

async function withUnit(text, fn) {
  const dir = await mkdtemp(path.join(tmpdir(), 'sockd-unit-'));
  try {
    const file = path.join(dir, 'sockd.service');
    await writeFile(file, text);
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const probe = await verify('/nonexistent.service').catch(() => null);
const available = probe && !/ENOENT/.test(String(probe.code));
const T = { timeout: 60000,
            skip: available ? false : 'systemd-analyze is not installed' };

test('the unit file verifies cleanly, hardening and notify included', T,
     async () => {
  const text = await readFile(unit, 'utf8');
  for (const line of ['Type=notify', 'ExecReload=/bin/kill -HUP $MAINPID',
                      'NoNewPrivileges=yes', 'ProtectSystem=strict',
                      'ExecStart=/usr/local/bin/sockd --config=/etc/sockd/sockd.conf']) {
    assert.ok(text.split('\n').includes(line), `missing: ${line}`);
  }
  const bin = process.env.SOCKD_BIN;
  const local = text.replaceAll('/usr/local/bin/sockd', bin);
  const result = await withUnit(local, verify);
  assert.deepEqual(result, { code: 0, output: '' });
});

test('verify would catch a broken unit (the check can fail)', T, async () => {
  const text = await readFile(unit, 'utf8');
  const broken = text.replaceAll('/usr/local/bin/sockd', '/nonexistent/sockd')
    .replace('NoNewPrivileges=yes', 'NoNewPrivileges=yes\nProtectSytem=strict');
  const result = await withUnit(broken, verify);
  assert.notEqual(result.code, 0);
  assert.match(result.output, /Unknown key 'ProtectSytem'/);
  assert.match(result.output, /\/nonexistent\/sockd is not executable/);
});
