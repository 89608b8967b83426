// A throwaway PostgreSQL cluster per test file: initdb into a temporary
// directory, pg_ctl on a free loopback port, psql for the tests' SQL.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { liveClusters } from './exit.mjs';
import { freePort } from './util.mjs';

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

function run(cmd, args, { cwd, timeout = 60000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd, timeout, encoding: 'utf8',
                                        maxBuffer: 16 * 1024 * 1024,
                                        env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (err) {
          err.message = `${cmd} ${args.join(' ')} failed: ${err.message}\n`
                        + `${stdout}${stderr}`;
          reject(err);
        } else {
          resolve({ stdout, stderr });
        }
      });
    if (input !== undefined) child.stdin.end(input);
  });
}

let bindir_cache;
function pg_bindir() {
  if (bindir_cache !== undefined) return bindir_cache;
  const candidates = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'],
                                 { encoding: 'utf8' }).trim());
  } catch { /* no pg_config */ }
  candidates.push('/usr/lib/postgresql/15/bin');
  bindir_cache = candidates.find(
    (dir) => dir && fs.existsSync(path.join(dir, 'initdb'))) || '';
  return bindir_cache;
}

function pg_bin(name) {
  const dir = pg_bindir();
  return dir ? path.join(dir, name) : name;
}

/// PostgreSQL refuses to run as root: as root, run its tools as `postgres`.
function as_postgres(cmd, args) {
  return IS_ROOT ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
                 : [cmd, args];
}

function postgres_ids() {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  return { uid, gid };
}

/// Starts a throwaway cluster on a free loopback port. Returns
/// `{url, port, dir, psql(sql), stop(), start(), cleanup()}`.
export async function startPostgres() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockd-pg-'));
  const data = path.join(dir, 'data');
  const logfile = path.join(dir, 'postgres.log');
  // At process exit: an immediate stop, then the directory goes.
  const cluster = {
    stopNow() {
      try {
        execFileSync(...as_postgres(pg_bin('pg_ctl'),
          ['-D', data, '-m', 'immediate', 'stop']),
          { stdio: 'ignore', timeout: 10000, cwd: dir });
      } catch { /* not running */ }
      try { fs.rmSync(dir, { recursive: true, force: true }); }
      catch { /* best effort */ }
    },
  };
  liveClusters.add(cluster);
  if (IS_ROOT) {
    const { uid, gid } = postgres_ids();
    fs.chownSync(dir, uid, gid);
  }
  fs.chmodSync(dir, 0o700);
  await run(...as_postgres(pg_bin('initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8',
     '--locale=C']), { cwd: dir });

  let port = 0;
  let running = false;
  const pg_ctl_start = () => run(...as_postgres(pg_bin('pg_ctl'),
    ['-w', '-t', '30', '-D', data, '-l', logfile, '-o',
     `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`,
     'start']), { cwd: dir });

  // The free port may be taken between probing and binding: try again.
  for (let attempt = 1; ; ++attempt) {
    port = await freePort();
    try {
      await pg_ctl_start();
      break;
    } catch (err) {
      if (attempt >= 3) {
        let log = '';
        try { log = fs.readFileSync(logfile, 'utf8'); } catch { /* none */ }
        err.message += `\npostgres.log:\n${log}`;
        throw err;
      }
    }
  }
  running = true;

  const pg = {
    port,
    dir,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    get running() { return running; },
    /// Runs SQL with `psql -At`; returns stdout without the final newline.
    async psql(sql) {
      const { stdout } = await run(pg_bin('psql'),
        ['-X', '-At', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1',
         '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql],
        { cwd: dir, timeout: 20000 });
      return stdout.replace(/\n$/, '');
    },
    async stop() {
      if (!running) return;
      await run(...as_postgres(pg_bin('pg_ctl'),
        ['-w', '-t', '30', '-D', data, '-m', 'fast', 'stop']), { cwd: dir });
      running = false;
    },
    async start() {
      if (running) return;
      await pg_ctl_start();
      running = true;
    },
    async cleanup() {
      try { await pg.stop(); } catch { /* best effort */ }
      fs.rmSync(dir, { recursive: true, force: true });
      liveClusters.delete(cluster);
    },
  };
  return pg;
}

/// Quotes a string as an SQL literal.
export function sqlString(value) {
  return `'${String(value).replace(/'/g, "''")}'`;
}
