/**
 * The uids of a sink table's operators at parallelism 1 and 2. A jdbc table with a primary key
 * and a filesystem table that commits partitions shuffle their rows to the writers only above
 * parallelism 1; the shuffle must not move the sink's uid (or a later operator's), or a
 * savepoint taken at one parallelism could not be restored at the other.
 */
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { capturedJobGraph, operatorsByUid } from '../support/captured-job-graph.js';

/** The uids and names of the operators of `insert` planned at `parallelism`. */
function uids(parallelism: number, sinkDdl: string, insert: string): string[] {
  const graph = capturedJobGraph(() => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
    tEnv.executeSql(
      `CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10')`,
    );
    tEnv.executeSql(sinkDdl);
    tEnv.executeSql(insert);
  });
  return [...operatorsByUid(graph)].map(([uid, name]) => `${uid} ${name}`).sort();
}

describe('a sink table keeps its uids at every parallelism', () => {
  it('a jdbc table with a primary key', () => {
    const ddl = `CREATE TABLE out1 (k BIGINT, n BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:1/none', 'table-name' = 'out1')`;
    const insert = 'INSERT INTO out1 SELECT k, COUNT(*) FROM src GROUP BY k';
    const one = uids(1, ddl, insert);
    expect(one.some((u) => u.includes('Sink: out1'))).toBe(true);
    expect(uids(2, ddl, insert)).toEqual(one);
  });

  it('a filesystem table that commits partitions', () => {
    const ddl = `CREATE TABLE out1 (k BIGINT, v BIGINT, dt STRING) PARTITIONED BY (dt) WITH ('connector' = 'filesystem', 'path' = '/tmp/weir-sink-uids-never-written', 'format' = 'csv', 'sink.partition-commit.trigger' = 'process-time', 'sink.partition-commit.policy.kind' = 'success-file')`;
    const insert = "INSERT INTO out1 SELECT k, v, 'd' FROM src";
    const one = uids(1, ddl, insert);
    expect(one.some((u) => u.includes('Sink: out1'))).toBe(true);
    expect(uids(2, ddl, insert)).toEqual(one);
  });
});
