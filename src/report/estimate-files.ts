/**
 * `tollgate report --estimates PATH`: the monthly estimates `tollgate check --format json` wrote, from one
 * result file or every `.json` file in a directory. Each priced resource keeps what can join it to billing
 * data: its cloud ids (when the plan knew them), tags and model reference (output/json.ts writes them).
 * A file that is not a check result is the user's mistake: exit 2 naming it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readBoundedFile } from '../bounded-file.js';
import { TollgateError } from '../model/errors.js';
import type { ModelReference } from '../model/resource.js';

export interface ResourceEstimate {
  /** The check result it came from. */
  readonly file: string;
  readonly address: string;
  readonly type: string;
  readonly provider: string;
  readonly cloud_ids: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly model: ModelReference | null;
  /** The estimate after the plan, per month; null when the resource could not be priced. */
  readonly monthly: number | null;
  /** The hours the month was estimated with (730 by default). */
  readonly hours_per_month: number;
}

const MAX_RESULT_BYTES = 256 * 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function estimatesOf(file: string, document: unknown): ResourceEstimate[] {
  const costs = isObject(document) ? document.costs : undefined;
  if (!isObject(costs) || !Array.isArray(costs.resources)) {
    throw new TollgateError('not a `tollgate check --format json` result with costs: it has no costs.resources (was the plan priced?)', {
      file,
    });
  }
  return costs.resources.flatMap((entry, i): ResourceEstimate[] => {
    if (!isObject(entry) || typeof entry.address !== 'string') {
      throw new TollgateError(`costs.resources[${i}] is not a priced resource with an address`, { file });
    }
    const model = isObject(entry.model) && typeof entry.model.id === 'string' ? entry.model : null;
    return [
      {
        file,
        address: entry.address,
        type: typeof entry.type === 'string' ? entry.type : '',
        provider: typeof entry.provider === 'string' ? entry.provider : 'other',
        cloud_ids: Array.isArray(entry.cloud_ids) ? entry.cloud_ids.filter((id): id is string => typeof id === 'string') : [],
        tags: stringMap(entry.tags),
        model: model === null ? null : { id: model.id as string, version: typeof model.version === 'string' ? model.version : null },
        monthly: typeof entry.monthlyAfter === 'number' && Number.isFinite(entry.monthlyAfter) ? entry.monthlyAfter : null,
        hours_per_month: typeof entry.hoursPerMonth === 'number' && entry.hoursPerMonth > 0 ? entry.hoursPerMonth : 730,
      },
    ];
  });
}

/** The estimates of a check result file, or of every .json file in a directory (sorted by name). */
export function readEstimates(path: string): ResourceEstimate[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new TollgateError('--estimates: file or directory not found', { file: path });
  }
  const files = isDirectory
    ? readdirSync(path)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => join(path, name))
    : [path];
  return files.flatMap((file) => {
    const text = readBoundedFile(file, { maxBytes: MAX_RESULT_BYTES, what: 'check result' }).toString('utf8');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new TollgateError(`not valid JSON (${(error as Error).message})`, { file });
    }
    return estimatesOf(file, document);
  });
}
