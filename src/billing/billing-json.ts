/**
 * JSON files that hold costs: what the cost APIs return, saved by a script or the CLI
 * (`aws ce get-cost-and-usage`, a Cost Management query body, the REST spec's examples). Each is read by
 * the same mapper as the live API, so a saved response and a live one import the same way. JSON that
 * describes costs without holding any (FOCUS dataset metadata) is named as such.
 */
import { readFile } from 'node:fs/promises';
import { TollgateError } from '../model/errors.js';
import { azureQueryRecords, type AzurePeriod, type AzureQueryTable } from './azure-cost-management.js';
import { costExplorerRecords } from './aws-cost-explorer.js';
import { addDays, type CostRecord } from './cost-record.js';
import { NotCostDataError } from './not-cost-data.js';

const MAX_JSON_BYTES = 256 << 20;

export interface BillingJson {
  readonly format: 'aws-cost-explorer-json' | 'azure-query-json';
  readonly records: readonly CostRecord[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The query table in a Cost Management body, the REST spec example wrapper, or an SDK-shaped result. */
function azureTable(document: Json): { table: AzureQueryTable; parameters: Json | undefined } | undefined {
  const responses = isObject(document.responses) ? document.responses : undefined;
  const example = responses && isObject(responses['200']) && isObject(responses['200'].body) ? responses['200'].body : undefined;
  const body = example ?? document;
  const table = isObject(body.properties) ? body.properties : body;
  if (!Array.isArray(table.columns) || !Array.isArray(table.rows)) return undefined;
  const parameters = isObject(document.parameters) && isObject(document.parameters.parameters) ? document.parameters.parameters : undefined;
  return { table: table, parameters };
}

/** The period a Cost Management query covered, from its time frame, for results with no date column. */
function queryPeriod(parameters: Json | undefined, today: string): AzurePeriod {
  const timePeriod = isObject(parameters?.timePeriod) ? parameters.timePeriod : undefined;
  if (typeof timePeriod?.from === 'string' && typeof timePeriod.to === 'string') {
    return { start: timePeriod.from.slice(0, 10), end: addDays(timePeriod.to.slice(0, 10), 1) };
  }
  const monthStart = `${today.slice(0, 7)}-01`;
  if (parameters?.timeframe === 'TheLastMonth' || parameters?.timeframe === 'TheLastBillingMonth') {
    const lastMonthStart = `${addDays(monthStart, -1).slice(0, 7)}-01`;
    return { start: lastMonthStart, end: monthStart };
  }
  return { start: monthStart, end: addDays(today, 1) };
}

export async function readBillingJson(file: string, today: string = new Date().toISOString().slice(0, 10)): Promise<BillingJson> {
  const text = await readFile(file, 'utf8');
  if (text.length > MAX_JSON_BYTES) throw new TollgateError(`JSON cost file is over ${MAX_JSON_BYTES} bytes`, { file });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new TollgateError(`not valid JSON (${(error as Error).message})`, { file });
  }
  if (!isObject(document)) throw new NotCostDataError('not a cost file: the JSON is not an object', { file });
  const place = (error: unknown): never => {
    if (error instanceof TollgateError) throw new TollgateError(error.message, { file });
    throw error;
  };
  if (Array.isArray(document.ResultsByTime)) {
    try {
      return { format: 'aws-cost-explorer-json', records: costExplorerRecords(document, 'aws') };
    } catch (error) {
      return place(error);
    }
  }
  const azure = azureTable(document);
  if (azure) {
    const scope =
      typeof (document.parameters as Json | undefined)?.scope === 'string' ? String((document.parameters as Json).scope) : 'file';
    try {
      return { format: 'azure-query-json', records: azureQueryRecords(azure.table, scope, queryPeriod(azure.parameters, today)) };
    } catch (error) {
      return place(error);
    }
  }
  if (Array.isArray(document.Columns) && ('FocusVersion' in document || 'SchemaId' in document)) {
    throw new NotCostDataError(
      'not a cost file: FOCUS dataset metadata (column names and types of an export), no charges; import the export it describes',
      { file },
    );
  }
  throw new NotCostDataError('not a cost file: JSON with neither Cost Explorer ResultsByTime nor a Cost Management columns/rows table', {
    file,
  });
}
