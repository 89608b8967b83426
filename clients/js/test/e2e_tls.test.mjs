// The browser e2e (e2e.test.mjs: the demo page, two tabs, two users) over
// https and wss: the harness in its TLS mode (a throwaway CA made with
// openssl), and Chromium trusting that certificate's key only
// (--ignore-certificate-errors-spki-list with the SHA-256 of its SPKI, which
// Chromium honours with a --user-data-dir, as Playwright's persistent
// context has). e2e.test.mjs launches CHROMIUM_PATH, so the flag comes
// through a small wrapper script in front of the real Chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

import * as h from '../../../tests/integration/harness.mjs';

process.env.SOCKD_TEST_TLS = '1';
const real = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const { server } = h.testCertificates();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-chromium-tls-'));
const wrapper = path.join(dir, 'chromium');
fs.writeFileSync(wrapper, [
  '#!/bin/sh',
  `exec '${real}' --ignore-certificate-errors-spki-list=${server.spki} "$@"`,
  '',
].join('\n'), { mode: 0o755 });
process.env.CHROMIUM_PATH = wrapper;
after(() => fs.rmSync(dir, { recursive: true, force: true }));

await import('./e2e.test.mjs');
