/**
 * Results the submitting thread computed while building a job, handed to the worker threads
 * that rebuild the same job from its job file (see `job-module.ts`). A worker runs the job
 * file's code again, so whatever that code derives from its inputs alone it derives again;
 * when that is costly and the result is plain data, the submitting thread remembers it here
 * and the worker recalls it instead of computing it. The SQL layer does this with parsed
 * statements, so a worker never builds the SQL parser.
 *
 * Only pure results may be remembered: the value for a key must be what the worker would
 * compute itself, because the worker takes it on trust. Values travel by structured clone,
 * so they must be plain data (objects, arrays, strings, numbers, bigints), and arrive without
 * their prototypes or frozenness.
 */
import { getEnvironmentDefaults } from './context.js';

/** Remembered values by namespace and key; structured-cloneable. */
export type RebuildMemo = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * At most this many keys a namespace remembers; later ones are not remembered (the worker
 * computes them itself), so a long-running process that builds many jobs does not grow
 * without bound.
 */
const MAX_KEYS = 1000;

/** The namespace under which the memo lists the namespaces that dropped keys (`MAX_KEYS`). */
const DROPPED = 'rebuild-memo.dropped';

const remembered = new Map<string, Map<string, unknown>>();
const dropped = new Set<string>();
/** What the submitting thread sent; undefined unless this thread rebuilds a job. */
let handed: RebuildMemo | undefined;

/**
 * Remembers a copy of `value` for workers rebuilding jobs submitted from now on. Does nothing unless
 * jobs of this process can run on worker threads (a job file run by `weir run`), which is
 * the only place they are recalled.
 */
export function rememberForRebuild(namespace: string, key: string, value: unknown): void {
  if (!remembersForRebuild()) return;
  let entries = remembered.get(namespace);
  if (entries === undefined) {
    entries = new Map();
    remembered.set(namespace, entries);
  }
  // A copy, so what the caller does with its value later does not reach the workers.
  if (entries.size < MAX_KEYS || entries.has(key)) entries.set(key, structuredClone(value));
  else dropped.add(namespace);
}

/**
 * Whether {@link rememberForRebuild} keeps values on this thread, so a caller can skip
 * computing what would only be remembered.
 */
export function remembersForRebuild(): boolean {
  return getEnvironmentDefaults()?.jobModule !== undefined;
}

/** The value the submitting thread remembered for `key`, on a worker rebuilding its job. */
export function recallFromSubmitter(namespace: string, key: string): unknown {
  const entries = handed?.[namespace];
  return entries !== undefined && Object.hasOwn(entries, key) ? entries[key] : undefined;
}

/** @internal Everything remembered so far, to send along with a job to its workers. */
export function rebuildMemo(): RebuildMemo {
  const memo: Record<string, Record<string, unknown>> = {};
  for (const [namespace, entries] of remembered) memo[namespace] = Object.fromEntries(entries);
  if (dropped.size > 0)
    memo[DROPPED] = Object.fromEntries([...dropped].map((namespace) => [namespace, true]));
  return memo;
}

/**
 * Whether this thread is rebuilding a job whose submitting thread remembered every value of
 * `namespace` it computed (none dropped for the key limit). Then whatever the job file's code
 * asks of that namespace the memo answers, as long as the code computes the same inputs on
 * every thread, and a module may skip loading what computing would take (the SQL parser does).
 */
export function rebuildingFromCompleteMemo(namespace: string): boolean {
  return handed !== undefined && handed[DROPPED]?.[namespace] !== true;
}

/** @internal Installs what the submitting thread sent, before a worker loads the job file. */
export function installRebuildMemo(memo: RebuildMemo | undefined): void {
  handed = memo;
}
