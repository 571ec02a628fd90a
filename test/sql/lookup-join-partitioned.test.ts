/**
 * Lookup joins on a PARTITIONED BY filesystem table: the partition columns come from the
 * directory names (`region=eu/`), as a scan reads them, so they can be looked up by, filtered on
 * and selected; the default partition's rows have NULL there; a partition's `_`-named files
 * (success files) are not read. Expected rows are computed by hand from the files below.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { type Row, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-lookup-partitioned-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (relative: string, text: string) => {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
// Key 1 is in two partitions; key 4 only in the default (NULL) partition.
write('region=eu/part-0.csv', '1,paris\n2,rome\n');
write('region=us/part-0.csv', '1,boston\n3,austin\n');
write('region=__DEFAULT_PARTITION__/part-0.csv', '4,nowhere\n');
write('region=us/_SUCCESS', '');

function tableEnv(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(
    `CREATE TABLE cities (id INT, city STRING, region STRING) PARTITIONED BY (region) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`,
  );
  tEnv.executeSql(
    `CREATE VIEW probe AS SELECT * FROM (VALUES (1, 'eu'), (2, 'us'), (3, 'us'), (4, 'eu'), (5, 'eu')) AS t(k, r)`,
  );
  return tEnv;
}

async function rows(sql: string): Promise<string[]> {
  const result = (await tableEnv().executeSql(sql).collect()) as Row[];
  return result.map((r) => Object.values(r).join(':')).sort();
}

const FROM = `FROM (SELECT *, PROCTIME() AS pt FROM probe) P`;

describe('lookup join on a partitioned filesystem table', () => {
  test('looks up by a data column across every partition, with the partition value of each row', async () => {
    expect(
      await rows(
        `SELECT P.k, C.city, C.region ${FROM} JOIN cities FOR SYSTEM_TIME AS OF P.pt AS C ON P.k = C.id`,
      ),
    ).toEqual(['1:boston:us', '1:paris:eu', '2:rome:eu', '3:austin:us', '4:nowhere:'].sort());
  });

  test('looks up by the data column and the partition column together', async () => {
    expect(
      await rows(
        `SELECT P.k, C.city ${FROM} LEFT JOIN cities FOR SYSTEM_TIME AS OF P.pt AS C ON P.k = C.id AND P.r = C.region`,
      ),
    ).toEqual(['1:paris', '2:', '3:austin', '4:', '5:'].sort());
  });

  test('a filter on the partition column over the table applies before the lookup', async () => {
    const tEnv = tableEnv();
    tEnv.executeSql(`CREATE VIEW us_cities AS SELECT id, city FROM cities WHERE region = 'us'`);
    const result = (await tEnv
      .executeSql(`SELECT P.k, C.city ${FROM} JOIN us_cities FOR SYSTEM_TIME AS OF P.pt AS C ON P.k = C.id`)
      .collect()) as Row[];
    expect(result.map((r) => `${r.k}:${r.city}`).sort()).toEqual(['1:boston', '3:austin']);
  });
});
