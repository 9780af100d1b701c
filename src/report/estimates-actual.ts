/**
 * Estimated against actual: each resource of `tollgate check --format json` results joined to this month's
 * spend in the history, by the resource's cloud id where the plan knew it (billing ResourceId, compared without
 * case), else by its model reference (tollgate.io/model, parsed by inputs/model-reference.ts). When several
 * estimates share one model, the model's spend is allocated in proportion to their estimates, so no spend is
 * counted twice. The actual monthly run rate is month-to-date spend per day times the estimate's hours per
 * month / 24, so both sides count the same hours. Whether the error is too large is Rego's (TG-RPT-002).
 */
import type { CostHistory } from '../billing/history.js';
import { parseModelReference } from '../inputs/model-reference.js';
import type { EstimateLine, EstimatesVsActual, EstimateTeamLine } from '../model/showback.js';
import type { ResourceEstimate } from './estimate-files.js';

const round2 = (value: number): number => Math.round(value * 100) / 100;

const modelKey = (reference: { id: string; version: string | null }): string =>
  reference.version === null ? reference.id : `${reference.id}@${reference.version}`;

export interface EstimateJoinOptions {
  /** The spend table with x_Cost in the report currency (report-facts.ts). */
  readonly relation: string;
  /** SQL for the model reference tag of a row. */
  readonly modelTag: string;
  readonly monthStart: string;
  /** Exclusive end of the month to date (the day after the last complete day). */
  readonly end: string;
  readonly teamTagKey: string;
}

export async function estimatesVsActual(
  history: CostHistory,
  estimates: readonly ResourceEstimate[],
  options: EstimateJoinOptions,
): Promise<EstimatesVsActual> {
  const days = Math.max(0, Math.round((Date.parse(options.end) - Date.parse(options.monthStart)) / 86_400_000));
  const ids = [...new Set(estimates.flatMap((e) => e.cloud_ids.map((id) => id.toLowerCase())))];
  const byId = new Map<string, { id: string; cost: number }>();
  if (ids.length > 0) {
    const values = ids.map((id) => `('${id.replaceAll("'", "''")}')`).join(', ');
    await history.run(`CREATE OR REPLACE TEMP TABLE estimate_ids AS SELECT * FROM (VALUES ${values}) AS t(id)`);
    const rows = await history.query<{ key: string; id: string; cost: number }>(
      `SELECT lower(ResourceId) AS key, min(ResourceId) AS id, sum(x_Cost)::DOUBLE AS cost FROM ${options.relation}
       WHERE x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) AND lower(ResourceId) IN (SELECT id FROM estimate_ids) GROUP BY 1`,
      [options.monthStart, options.end],
    );
    for (const row of rows) byId.set(row.key, { id: row.id, cost: row.cost });
  }
  const byModel = new Map<string, number>();
  const modelRows = await history.query<{ ref: string; cost: number }>(
    `SELECT ${options.modelTag} AS ref, sum(x_Cost)::DOUBLE AS cost FROM ${options.relation}
     WHERE x_Day >= CAST(? AS DATE) AND x_Day < CAST(? AS DATE) AND ${options.modelTag} IS NOT NULL GROUP BY 1`,
    [options.monthStart, options.end],
  );
  for (const row of modelRows) {
    const reference = parseModelReference(row.ref);
    if (reference === null) continue;
    for (const key of new Set([modelKey(reference), reference.id])) byModel.set(key, (byModel.get(key) ?? 0) + row.cost);
  }

  // First pass: what each estimate matches. Estimates matched by model share the model's spend.
  const matches = estimates.map((estimate) => {
    const id = estimate.cloud_ids.map((cloudId) => byId.get(cloudId.toLowerCase())).find((hit) => hit !== undefined);
    if (id) return { estimate, by: 'resource id' as const, key: id.id, cost: id.cost };
    if (estimate.model !== null && byModel.has(modelKey(estimate.model))) {
      return { estimate, by: 'model' as const, key: modelKey(estimate.model), cost: byModel.get(modelKey(estimate.model)) ?? 0 };
    }
    return { estimate, by: null, key: null, cost: null };
  });
  const modelEstimateTotals = new Map<string, number>();
  for (const match of matches) {
    if (match.by === 'model') {
      modelEstimateTotals.set(match.key, (modelEstimateTotals.get(match.key) ?? 0) + (match.estimate.monthly ?? 0));
    }
  }
  const resources: EstimateLine[] = matches.map(({ estimate, by, key, cost }) => {
    let monthToDate = cost;
    if (by === 'model') {
      const total = modelEstimateTotals.get(key) ?? 0;
      const sharing = matches.filter((m) => m.by === 'model' && m.key === key).length;
      monthToDate = total > 0 ? (cost * (estimate.monthly ?? 0)) / total : cost / sharing;
    }
    const runRate = monthToDate === null || days === 0 ? null : (monthToDate / days) * (estimate.hours_per_month / 24);
    return {
      address: estimate.address,
      file: estimate.file,
      team: estimate.tags[options.teamTagKey] ?? '(untagged)',
      estimated_monthly: estimate.monthly === null ? null : round2(estimate.monthly),
      actual_monthly: runRate === null ? null : round2(runRate),
      actual_month_to_date: monthToDate === null ? null : round2(monthToDate),
      matched_by: by,
      matched: key,
    };
  });
  const teams = new Map<string, { estimated: number; actual: number; resources: number; unmatched: number }>();
  for (const line of resources) {
    const team = teams.get(line.team) ?? { estimated: 0, actual: 0, resources: 0, unmatched: 0 };
    if (line.actual_monthly === null || line.estimated_monthly === null) team.unmatched += 1;
    else {
      team.estimated += line.estimated_monthly;
      team.actual += line.actual_monthly;
      team.resources += 1;
    }
    teams.set(line.team, team);
  }
  const teamLines: EstimateTeamLine[] = [...teams.entries()]
    .map(([team, sums]) => ({
      team,
      estimated_monthly: sums.resources === 0 ? null : round2(sums.estimated),
      actual_monthly: sums.resources === 0 ? null : round2(sums.actual),
      resources: sums.resources,
      unmatched: sums.unmatched,
    }))
    .sort((a, b) => (a.team < b.team ? -1 : a.team > b.team ? 1 : 0));
  return { days, resources, teams: teamLines };
}
