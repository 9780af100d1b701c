/**
 * What kind of compute a row of spend paid for, decided by the instance-type tables (model/instance-specs.ts),
 * never by a pattern over SKU text: Azure's SkuId is a meter GUID, and a GUID such as "3ecfdd2b-...-44a3-..."
 * holds "a3-" as easily as a GCP A3 machine does. Every name a row carries is looked up:
 *
 *   x_InstanceType   FOCUS files                      "p4d.24xlarge", "Standard_NC24ads_A100_v4"
 *   ResourceType     Cost Explorer's INSTANCE_TYPE    "g5.12xlarge"
 *   SkuId            FOCUS SKUs, Cost Explorer usage  "ml.p4d.24xlarge", "USE1-BoxUsage:p4d.24xlarge"
 *   x_MeterName      Azure Virtual Machines meters    "NC24ads A100 v4", "D2 v3/D2s v3", "NC6s v3 Spot"
 *   x_SkuDescription GCP billing export GPU SKUs      "Nvidia Tesla A100 GPU running in Americas"
 *
 * Classes: 'accelerated' (the table gives the type accelerators, or the SKU names a GPU the tables know),
 * 'cpu' (the table knows the type, without accelerators), 'unknown' (the row names an instance type or is a
 * virtual machine meter, and the tables do not know it: reported as such, never counted as "not GPU"), 'none'
 * (not an instance: storage, network, a managed service).
 */
import { gpuAcceleratorTypeNames, instanceSpecs } from '../model/instance-specs.js';
import { literal } from './file-dialects.js';

export type InstanceClass = 'accelerated' | 'cpu' | 'unknown' | 'none';

/** What runs SQL on the history's connection: CostHistory, named by shape so that history.ts can call in here. */
export interface SqlRunner {
  run(sql: string): Promise<void>;
}

/** The lookup table's name in the history connection (a temporary table, rebuilt per connection). */
export const INSTANCE_CLASS_TABLE = 'instance_classes';

/** The class of each distinct combination of the columns a row is classified by (createRowClassTable). */
export const ROW_CLASS_TABLE = 'row_instance_classes';

/** The columns a row's class depends on, and the names the row class table keeps them under. */
const CLASSIFIED_COLUMNS: ReadonlyArray<readonly [column: string, key: string]> = [
  ['ServiceName', 'k_ServiceName'],
  ['ResourceType', 'k_ResourceType'],
  ['SkuId', 'k_SkuId'],
  ['x_Extras', 'k_Extras'],
];

/** Instance-type names as the lookup compares them: lower case; AWS without the SageMaker "ml." prefix. */
export function instanceClassRows(): Array<{ readonly name: string; readonly accelerated: boolean }> {
  return Object.entries(instanceSpecs)
    .map(([name, spec]) => ({ name: name.toLowerCase(), accelerated: spec.accelerator !== null }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** GPU names as GCP SKU descriptions write them: "nvidia-tesla-a100" → "nvidia tesla a100". */
export function gpuDescriptionWords(): string[] {
  return gpuAcceleratorTypeNames()
    .map((name) => name.replaceAll('-', ' '))
    .sort();
}

/** Creates the lookup tables in the history's connection (idempotent). */
export async function createInstanceClassTable(history: SqlRunner): Promise<void> {
  const rows = instanceClassRows().map((row) => `(${literal(row.name)}, ${row.accelerated})`);
  await history.run(
    `CREATE OR REPLACE TEMP TABLE ${INSTANCE_CLASS_TABLE} AS SELECT * FROM (VALUES ${rows.join(', ')}) AS t(name, accelerated)`,
  );
  const words = gpuDescriptionWords().map((word) => `(${literal(word)})`);
  await history.run(
    `CREATE OR REPLACE TEMP TABLE ${INSTANCE_CLASS_TABLE}_gpu_words AS SELECT * FROM (VALUES ${words.join(', ')}) AS t(word)`,
  );
}

const extra = (alias: string, key: string): string => `json_extract_string(${alias}.x_Extras, '$.${key}')`;

/** An Azure VM meter name as a size: "NC24ads A100 v4 Spot" → "standard_nc24ads_a100_v4" (part 1 or 2 of "A/B"). */
function azureMeterSize(alias: string, part: 1 | 2): string {
  const meter = `split_part(${extra(alias, 'x_MeterName')}, '/', ${part})`;
  const bare = `regexp_replace(lower(trim(${meter})), ' (spot|low priority)$', '')`;
  return `CASE WHEN ${alias}.ServiceName = 'Virtual Machines' AND trim(${meter}) <> '' THEN 'standard_' || replace(${bare}, ' ', '_') END`;
}

/**
 * The names a row is looked up by, as SQL over the row alias: the instance type as written, the SKU without
 * a usage-type prefix ("USE1-BoxUsage:") or SageMaker's "ml.", the Azure meter's size.
 */
function candidates(alias: string): string[] {
  const bare = (expr: string): string => `regexp_replace(regexp_replace(lower(${expr}), '^.*:', ''), '^ml\\.', '')`;
  return [
    bare(extra(alias, 'x_InstanceType')),
    bare(`${alias}.ResourceType`),
    bare(`${alias}.SkuId`),
    azureMeterSize(alias, 1),
    azureMeterSize(alias, 2),
  ];
}

/**
 * A FROM clause: the rows of `relation` (cost_records, or the report's table of spend) matching `where` (SQL over its
 * columns, alias r), each with its x_Class. Needs createInstanceClassTable first.
 */
export function classifiedRecords(relation: string, where: string): string {
  const names = candidates('r');
  const joins = names.map((expr, i) => `LEFT JOIN ${INSTANCE_CLASS_TABLE} k${i} ON k${i}.name = ${expr}`).join('\n    ');
  const anyAccelerated = names.map((_, i) => `coalesce(k${i}.accelerated, false)`).join(' OR ');
  const anyKnown = names.map((_, i) => `k${i}.name IS NOT NULL`).join(' OR ');
  const description = `lower(coalesce(${extra('r', 'x_SkuDescription')}, ''))`;
  const gpuWords = `(${description} <> '' AND EXISTS (SELECT 1 FROM ${INSTANCE_CLASS_TABLE}_gpu_words w WHERE contains(${description}, w.word)))`;
  const namesInstance = `(coalesce(${extra('r', 'x_InstanceType')}, '') <> '' OR (r.ServiceName = 'Virtual Machines' AND coalesce(${extra('r', 'x_MeterName')}, '') <> ''))`;
  return `(SELECT r.*, CASE WHEN ${anyAccelerated} OR ${gpuWords} THEN 'accelerated' WHEN ${anyKnown} THEN 'cpu'
      WHEN ${namesInstance} THEN 'unknown' ELSE 'none' END AS x_Class
    FROM ${relation} r
    ${joins}
    WHERE ${where})`;
}

/**
 * Classifies the rows of the `relations` tables (with the history's columns) once per distinct combination of the
 * columns the class depends on, into a temporary table that rowClassSql reads. An import holds a handful of
 * such combinations behind millions of rows, and classifying each row (three JSON reads, pattern replacements
 * and five look-ups) costs more than the insert it rides on. Creates the lookup tables too.
 */
export async function createRowClassTable(history: SqlRunner, relations: ReadonlyArray<{ readonly table: string }>): Promise<void> {
  await createInstanceClassTable(history);
  // As text: a staged table read from a file types a column that is empty throughout as it likes.
  const columns = CLASSIFIED_COLUMNS.map(([column]) => `CAST(${column} AS VARCHAR) AS ${column}`).join(', ');
  const keys = CLASSIFIED_COLUMNS.map(([column, key]) => `r.${column} AS ${key}`).join(', ');
  const distinct =
    relations.length === 0
      ? `(SELECT ${CLASSIFIED_COLUMNS.map(([column]) => `NULL::VARCHAR AS ${column}`).join(', ')} WHERE false)`
      : `(${relations.map(({ table }) => `SELECT DISTINCT ${columns} FROM ${table}`).join(' UNION ')})`;
  await history.run(
    `CREATE OR REPLACE TEMP TABLE ${ROW_CLASS_TABLE} AS SELECT DISTINCT ${keys}, r.x_Class FROM ${classifiedRecords(distinct, 'true')} r`,
  );
}

/**
 * A row's class as a scalar SQL expression over the unqualified columns of the row it is evaluated for (the
 * table of createRowClassTable names its columns apart, so they bind to the outer row). Null for a row of a
 * relation that table was not made from.
 */
export function rowClassSql(): string {
  const match = CLASSIFIED_COLUMNS.map(([column, key]) => `c.${key} IS NOT DISTINCT FROM CAST(${column} AS VARCHAR)`).join(' AND ');
  return `(SELECT c.x_Class FROM ${ROW_CLASS_TABLE} c WHERE ${match})`;
}
