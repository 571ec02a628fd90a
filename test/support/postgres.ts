/**
 * A throwaway PostgreSQL server for tests of the `jdbc` connector: `initdb` in a temporary
 * directory, started on loopback at a free port with `max_prepared_transactions` > 0 (the
 * connector's two-phase commit needs it), stopped and removed by `stop()`.
 *
 * The binaries come from Debian's `postgresql` package (`/usr/lib/postgresql/<version>/bin`) or
 * from `pg_ctl` on PATH. When neither exists the test fails with one line naming the package:
 * tests never skip for want of a server. PostgreSQL refuses to run as root, so as root the
 * server runs as `nobody` in a directory that user owns.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running server. */
export interface TestPostgres {
  /** `jdbc:postgresql://127.0.0.1:<port>/postgres`, for the connector's `url` option. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The superuser, which needs no password on loopback. */
  readonly user: string;
  readonly database: string;
  /** Runs `sql` through psql and returns its unaligned, tuples-only output. */
  psql(sql: string): string;
  /** Stops the server at once and removes its directory. */
  stop(): void;
}

/** Where `initdb`, `pg_ctl` and `psql` are; throws naming the package when they are missing. */
export function postgresBinDir(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(debian, versions[0]!, 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error(
    "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin, no initdb and pg_ctl on PATH); install Debian's 'postgresql' package",
  );
}

/** A TCP port nobody listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Starts a fresh server; call `stop()` when done (in `afterAll`). */
export async function startPostgres(
  settings: { maxPreparedTransactions?: number } = {},
): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'weir-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(ids), Number(gid));
    chmodSync(dir, 0o700);
  }
  const run = (command: string, args: string[]): string => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'nobody', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0)
      throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`.trim());
    return result.stdout;
  };
  const user = 'postgres';
  run('initdb', ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // A port found free can be taken before the server binds it: try a few.
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const options = [
      `-c listen_addresses=127.0.0.1`,
      `-c port=${port}`,
      `-c unix_socket_directories=${dir}`,
      `-c max_prepared_transactions=${settings.maxPreparedTransactions ?? 10}`,
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c synchronous_commit=off',
    ].join(' ');
    try {
      run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  const database = 'postgres';
  const psql = (sql: string): string =>
    run('psql', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      user,
      '-d',
      database,
      '-X',
      '-q',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      sql,
    ]);
  let stopped = false;
  return {
    url: `jdbc:postgresql://127.0.0.1:${port}/${database}`,
    host: '127.0.0.1',
    port,
    user,
    database,
    psql,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
