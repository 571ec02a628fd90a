/**
 * The sqllogictest-style format of `test/sql/*.slt` files. Records are separated by blank
 * lines; `#` starts a comment line. Each record starts with a header line:
 *
 *   statement ok            the SQL runs without error (an INSERT also waits for its job);
 *                           an optional `----` section lists the lines the print connector wrote
 *   statement error         the SQL fails; the `----` section is the exact one-line message
 *   query [rowsort]         the SQL's rows, one per line, values joined by ` | ` (NULL for null);
 *                           for an updating query, the final table its changes leave
 *   query changes [rowsort] the SQL's changes in arrival order, one per line as the print
 *                           connector writes them: `+I[a, 1]`, `-U[a, 1]`, `+U[a, 2]`, `-D[a, 2]`;
 *                           only for a changelog whose order is fixed (one input at parallelism 1)
 *   query changes-consistent
 *                           for a changelog whose order depends on which of several inputs
 *                           (join sides, union branches, subqueries) arrives first: its kinds are
 *                           the plan's changelog mode's, each retraction takes back a row emitted
 *                           before, and the changes replay to the rows listed, as for `query`, in
 *                           any order (see changelog-consistency.ts)
 *   explain                 the EXPLAIN text of the SQL after `----`
 *
 * `__TMP__` in the SQL and the expected lines stands for a temporary directory of the file's own
 * (plan files, sink directories), removed after its records have run.
 *
 * Expected output ends at a blank line that is followed by a header, a comment, another blank
 * line or the end of the file, so multi-line values (EXPLAIN text) may hold single blank lines.
 * The SQL follows the header, up to `----` or the end of the record.
 */

/** One record of an .slt file. */
export interface SltRecord {
  readonly kind: 'statement ok' | 'statement error' | 'query' | 'explain';
  readonly rowsort: boolean;
  /** `query changes`: compare the changelog, not the final rows. */
  readonly changes?: boolean;
  /** `query changes-consistent`: check the changelog is consistent and replays to the rows. */
  readonly consistent?: boolean;
  readonly sql: string;
  /** Lines after `----`, or undefined when there is no such section. */
  readonly expected?: readonly string[];
  /** 1-based line of the header, for test names and failures. */
  readonly line: number;
}

/** Parses an .slt file; throws with the line number on a malformed record. */
export function parseSlt(text: string): SltRecord[] {
  const lines = text.split('\n');
  const records: SltRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const header = line.trim();
    const start = i + 1;
    const match =
      /^(statement ok|statement error|query|explain)(\s+changes(-consistent)?)?(\s+rowsort)?$/.exec(header);
    if (match === null || (match[2] !== undefined && match[1] !== 'query'))
      throw new Error(`line ${start}: unknown record header '${header}'`);
    if (match[3] !== undefined && match[4] !== undefined)
      throw new Error(`line ${start}: 'query changes-consistent' compares rows in any order; drop 'rowsort'`);
    i++;
    const sql: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && lines[i]!.trim() !== '----') sql.push(lines[i++]!);
    let expected: string[] | undefined;
    if (i < lines.length && lines[i]!.trim() === '----') {
      i++;
      expected = [];
      // Expected output ends at a blank line followed by a record header, a comment, another
      // blank line or the end: EXPLAIN output has single blank lines between its sections.
      while (i < lines.length) {
        const l = lines[i]!;
        if (l.trim() === '') {
          const next = lines[i + 1];
          if (next === undefined || next.trim() === '' || /^(statement|query|explain|#)/.test(next)) break;
        }
        expected.push(l);
        i++;
      }
    }
    if (sql.length === 0) throw new Error(`line ${start}: record without SQL`);
    records.push({
      kind: match[1] as SltRecord['kind'],
      rowsort: match[4] !== undefined,
      changes: match[2] !== undefined && match[3] === undefined,
      consistent: match[3] !== undefined,
      sql: sql.join('\n'),
      expected,
      line: start,
    });
  }
  return records;
}
