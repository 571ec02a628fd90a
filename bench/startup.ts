/**
 * Start-up time of the `weir` command: wall time of short runs where starting dominates (a
 * tiny `weir sql -f` script, the same SQL as a job file on two worker threads, the fraud
 * detection example with few and with its default 200,000 transactions, the same small job on
 * two worker threads, and `weir --version` as the floor of Node plus the TypeScript loader).
 * The SQL job file shows what a worker thread pays to rebuild a SQL job (loading the SQL layer,
 * planning from the parsed statements the submitting thread sends). The commands run interleaved, `--runs` rounds
 * (default 5), and the median of each is reported, so a burst of load from other processes
 * on the machine touches every command alike.
 *
 * Besides wall time it records the CPU time of each run (user + system of the child, from
 * `/proc/self/stat` on Linux), which the load of other processes disturbs far less.
 *
 * Run with `npx tsx bench/startup.ts [--runs N] [--baseline DIR] [--json] [--no-save]`; with
 * `--baseline`, a checkout of an earlier commit (with `node_modules` linked in), every command
 * runs in both trees, interleaved, for a before/after comparison under the same load. The
 * result goes to `bench/results/startup-<date>.json`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { reportResult } from './report.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A tiny bounded SQL script: one datagen table of three rows and a SELECT over it. */
const TINY_SQL = `CREATE TABLE src (id INT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
SELECT id * 10 AS ten FROM src;
`;

/**
 * A job file running {@link TINY_SQL} into a blackhole table, importing Weir from the tree at
 * `root` (so a baseline tree runs its own code).
 */
function tinySqlJob(root: string): string {
  const statements = TINY_SQL.split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
  return `import { TableEnvironment } from ${JSON.stringify(join(root, 'src/index.ts'))};
export default async function build(env) {
  const tEnv = TableEnvironment.create(env);
  await tEnv.executeSql(${JSON.stringify(statements[0])}).await();
  await tEnv.executeSql("CREATE TABLE out (ten INT) WITH ('connector' = 'blackhole')").await();
  await tEnv.executeSql(${JSON.stringify(`INSERT INTO out ${statements[1]}`)}).await();
}
`;
}

/** One measured command: the words after `node bin/weir.js` in the tree at `root`. */
interface Command {
  readonly name: string;
  readonly args: (root: string) => readonly string[];
}

function commands(sqlFile: string, sqlJob: (root: string) => string): Command[] {
  const fraud = ['run', '--port', '0', '-q', 'examples/fraud-detection.ts'];
  return [
    { name: 'weir --version', args: () => ['--version'] },
    { name: 'weir sql -f tiny.sql', args: () => ['sql', '-f', sqlFile] },
    {
      name: 'weir run tiny-sql-job.mjs -p 2 (worker threads)',
      args: (root) => ['run', '--port', '0', '-q', '-p', '2', sqlJob(root)],
    },
    {
      name: 'weir run fraud-detection --count 1000 -p 1',
      args: () => [...fraud, '-p', '1', '--', '--count', '1000'],
    },
    {
      name: 'weir run fraud-detection --count 1000 -p 2 (worker threads)',
      args: () => [...fraud, '-p', '2', '--', '--count', '1000'],
    },
    { name: 'weir run fraud-detection (200,000)', args: () => fraud },
  ];
}

/** CPU time of this process's waited-for children so far, ms (Linux; 0 elsewhere). */
function childrenCpuMs(): number {
  try {
    // Fields 16 and 17 (cutime, cstime) after the command name, in clock ticks of 10 ms.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

/** Wall and CPU time of one run of `command` in the tree at `root`. */
function timeOnce(command: Command, root: string): { wallMs: number; cpuMs: number } {
  const cpu = childrenCpuMs();
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['bin/weir.js', ...command.args(root)], {
    cwd: root,
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${command.name} exited ${run.status}: ${run.stderr.slice(0, 500)}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpu };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string' },
    baseline: { type: 'string' },
    json: { type: 'boolean' },
    'no-save': { type: 'boolean' },
  },
});
const runs = Number(options.runs ?? 5);
const scratch = mkdtempSync(join(tmpdir(), 'weir-startup-'));
const sqlFile = join(scratch, 'tiny.sql');
writeFileSync(sqlFile, TINY_SQL);
const sqlJobs = new Map<string, string>();
/** The SQL job file for the tree at `root`, written on first use. */
function sqlJob(root: string): string {
  let file = sqlJobs.get(root);
  if (file === undefined) {
    file = join(scratch, `tiny-sql-job-${sqlJobs.size}.mjs`);
    writeFileSync(file, tinySqlJob(root));
    sqlJobs.set(root, file);
  }
  return file;
}
const list = commands(sqlFile, sqlJob);
const trees: { name: string; root: string }[] = [
  ...(options.baseline === undefined ? [] : [{ name: 'baseline', root: options.baseline }]),
  { name: 'current', root: ROOT },
];
// One untimed round fills tsx's transform cache, as any second run of the command finds it.
for (const tree of trees) for (const command of list) timeOnce(command, tree.root);
const key = (tree: string, command: string) => `${tree}\t${command}`;
const times = new Map<string, { wallMs: number; cpuMs: number }[]>();
const loadBefore = loadavg()[0]!;
for (let round = 0; round < runs; round++) {
  for (const command of list) {
    for (const tree of trees) {
      const k = key(tree.name, command.name);
      times.set(k, [...(times.get(k) ?? []), timeOnce(command, tree.root)]);
    }
  }
}
const results = list.flatMap((c) =>
  trees.map((tree) => {
    const measured = times.get(key(tree.name, c.name))!;
    return {
      command: c.name,
      tree: tree.name,
      medianWallMs: Math.round(median(measured.map((m) => m.wallMs))),
      medianCpuMs: Math.round(median(measured.map((m) => m.cpuMs))),
      wallMs: measured.map((m) => Math.round(m.wallMs)),
      cpuMs: measured.map((m) => m.cpuMs),
    };
  }),
);
for (const r of results) {
  console.log(
    `${r.command.padEnd(60)} ${r.tree.padEnd(8)} wall ${String(r.medianWallMs).padStart(6)} ms  cpu ${String(r.medianCpuMs).padStart(6)} ms`,
  );
}
const result = {
  date: new Date().toISOString().slice(0, 10),
  runs,
  baseline: options.baseline,
  loadAverage: { before: loadBefore, after: loadavg()[0]! },
  machine: `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores`,
  node: process.version,
  results,
};
reportResult('startup', result, options, (line) => console.log(line));
