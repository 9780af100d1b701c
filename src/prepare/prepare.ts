/**
 * The one prepare stage: everything an enforcement point knows → the PolicyInput Rego judges.
 *
 *   normalise (a Terraform plan's resources, a Kubernetes object, nothing for the report)
 *   → price with the configured catalog, usage and hours per month
 *   → join the inventory and the accelerator offers
 *   → spend per budget (check's spend files; the report's facts)
 *   → context (now, source, default environment, Terraform versions, admission facts)
 *
 * `check`, `serve`, `report`, the benchmarks and the tests call it; nothing else builds a PolicyInput.
 * An admission request is prepared synchronously (the webhook answers within its deadline); a plan and a
 * report may read files, so they return a promise.
 */
import { addDays } from '../billing/cost-record.js';
import { readSpendFiles, spendFileLimit } from '../billing/spend-file.js';
import type { CostHistory } from '../billing/history.js';
import { billingMonth, isInMonth, summariseSpend } from '../billing/spend-summary.js';
import { normaliseKubernetesObject } from '../inputs/kubernetes/index.js';
import { readInventoryFile } from '../inputs/inventory/index.js';
import type { Inventory } from '../model/inventory.js';
import type { AccountFreshness, EstimatesVsActual, Showback } from '../model/showback.js';
import type { ChangeAction, DailySeries, PlanCost, PolicyInput, Resource, SpendSummary } from '../model/resource.js';
import { estimatePlanCost } from '../pricing/index.js';
import { modelFacts } from './model-facts.js';
import { readAnomalyInput, type AnomalyInput } from './report-anomalies.js';
import { readReportUsage, type ReportUsage } from './report-usage.js';
import type { PreparedSettings } from './settings.js';

/** A Terraform/OpenTofu plan, already read and normalised (null: an inventory audit without a plan). */
export interface PlanSubject {
  readonly kind: 'plan';
  readonly plan: {
    readonly resources: readonly Resource[];
    readonly terraformVersion: string | null;
    readonly formatVersion: string | null;
  } | null;
  /** The plan file, or the inventory file of an audit. */
  readonly source: string;
  /** `--environment`: environment of resources that carry no environment tag. */
  readonly environment?: string | null;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** One admission request, as the webhook parsed it. */
export interface AdmissionSubject {
  readonly kind: 'admission';
  readonly request: {
    readonly uid: string;
    readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
    readonly name: string | null;
    readonly namespace: string | null;
    readonly operation: AdmissionOperation;
    readonly username: string | null;
    readonly object: unknown;
    readonly dryRun: boolean;
  };
}

/** What the nightly report judges: its spend per budget and daily series, read from the cost history. */
export interface ReportSubject {
  readonly kind: 'report';
  readonly facts: {
    readonly currency: string;
    /** YYYY-MM-DD. */
    readonly today: string;
    readonly series: readonly DailySeries[];
    readonly spend: readonly SpendSummary[];
    /** Showback sums and each billing account's freshness (the report's facts; Rego adds shares and statuses). */
    readonly showback?: Showback;
    readonly freshness?: readonly AccountFreshness[];
    /** Estimates joined to actual spend (`report --estimates`); Rego computes the error and flags. */
    readonly estimates?: EstimatesVsActual | null;
  };
  readonly source: string;
}

export interface PlanSources {
  /** Model inventory file (`--inventory`). */
  readonly inventoryFile?: string;
  /** Spend files (FOCUS columns) for the configured budgets. */
  readonly spendFiles?: readonly string[];
  /** Most bytes a spend file may have (--max-spend-file-size). */
  readonly maxSpendFileBytes?: number;
}

export interface AdmissionSources {
  /** The inventory read when the policy was (re)loaded. */
  readonly inventory?: Inventory;
}

export interface ReportSources {
  /** The spend history: the savings rules' per-resource usage is read from it (report-usage.ts). */
  readonly history?: CostHistory;
  /**
   * The model inventory (`--inventory`), read once by the caller, which also joins it to showback: its
   * deployments are joined to their spend by the savings rules.
   */
  readonly inventory?: Inventory;
  /** How the anomaly rule's days and teams are read from the history (report-anomalies.ts); defaults below. */
  readonly anomalies?: {
    /** `--since`: the first day judged, instead of the day of the last report. */
    readonly since?: string;
    /** Candidate days when neither is known (the report's --days; default 60). */
    readonly days?: number;
    /** The tag naming the team (default "team"). */
    readonly teamTagKey?: string;
  };
}

interface Common {
  readonly settings: PreparedSettings;
  /** RFC 3339 UTC: the only clock the policies see. */
  readonly now: string;
}

export interface PreparePlan extends Common {
  readonly subject: PlanSubject;
  readonly sources?: PlanSources;
}

export interface PrepareAdmission extends Common {
  readonly subject: AdmissionSubject;
  readonly sources?: AdmissionSources;
}

export interface PrepareReport extends Common {
  readonly subject: ReportSubject;
  readonly sources?: ReportSources;
}

export type PrepareRequest = PreparePlan | PrepareAdmission | PrepareReport;

/** What Rego reads for subject "report" besides the shared contract: the series and the calendar. */
export interface ReportPolicyInput extends PolicyInput {
  readonly report: {
    readonly currency: string;
    readonly series: ReportSubject['facts']['series'];
    /** Today and the next 59 days, YYYY-MM-DD: the calendar TG-CFG-002 counts days with. */
    readonly upcoming_days: readonly string[];
    /** Spend per resource and commitment over the last days, for the savings rules; with a history only. */
    readonly usage?: ReportUsage;
    /** Daily spend down the tree team → cloud → service → resource, for TG-ANO-001; with a history only. */
    readonly anomaly?: AnomalyInput;
    readonly showback?: Showback;
    readonly freshness?: readonly AccountFreshness[];
    readonly estimates?: EstimatesVsActual;
  };
}

const ACTIONS: Readonly<Record<AdmissionOperation, ChangeAction>> = {
  CREATE: 'create',
  UPDATE: 'update',
  DELETE: 'update', // never evaluated: the webhook allows deletions before preparing
  CONNECT: 'no-op',
};

interface Priced {
  readonly resources: readonly Resource[];
  readonly costs?: PlanCost;
}

/** Monthly cost estimates with the configured catalog, usage and hours; unpriced resources say why. */
function price(resources: readonly Resource[], settings: PreparedSettings): Priced {
  if (!settings.pricing) return { resources };
  const estimate = estimatePlanCost(resources, settings.catalog(), { hoursPerMonth: settings.hoursPerMonth, usage: settings.usage });
  return { resources: estimate.resources, costs: estimate.totals };
}

/**
 * Spend per configured budget (indeterminate, monthToDate null, for a budget no spend file covers). With no
 * budgets there is nothing to compare spend with, so spend files are not read and the input has no spend.
 */
async function budgetSpend(
  settings: PreparedSettings,
  files: readonly string[],
  now: string,
  maxBytes?: number,
): Promise<SpendSummary[] | undefined> {
  const budgets = settings.config.budgets ?? [];
  if (budgets.length === 0) return undefined;
  const month = billingMonth(now);
  const records = await readSpendFiles(files, (record) => isInMonth(record, month), spendFileLimit(maxBytes));
  return summariseSpend(records, budgets, now, settings.environmentTagKeys);
}

function preparePlan({ subject, sources = {}, settings, now }: PreparePlan): Promise<PolicyInput> {
  const { plan } = subject;
  // An inventory audit has no plan to price.
  const { resources, costs } = plan === null ? { resources: [], costs: undefined } : price(plan.resources, settings);
  const inventory = sources.inventoryFile === undefined ? undefined : readInventoryFile(sources.inventoryFile, now);
  const models = modelFacts(inventory, resources, settings);
  return budgetSpend(settings, sources.spendFiles ?? [], now, sources.maxSpendFileBytes).then((spend) => ({
    subject: 'plan',
    context: {
      now,
      source: subject.source,
      defaultEnvironment: subject.environment ?? null,
      terraformVersion: plan?.terraformVersion ?? null,
      formatVersion: plan?.formatVersion ?? null,
    },
    resources,
    ...models,
    ...(costs ? { costs } : {}),
    ...(spend ? { spend } : {}),
  }));
}

function prepareAdmission({ subject, sources = {}, settings, now }: PrepareAdmission): PolicyInput {
  const { request } = subject;
  const resource = normaliseKubernetesObject(request.object, {
    namespace: request.namespace,
    name: request.name,
    kind: { group: request.kind.group, kind: request.kind.kind },
    action: ACTIONS[request.operation],
    settings: settings.kubernetes,
  });
  const { resources, costs } = price([resource], settings);
  return {
    subject: 'admission',
    context: { now, source: `admission:${request.uid}`, defaultEnvironment: null },
    resources,
    admission: {
      uid: request.uid,
      operation: request.operation,
      namespace: request.namespace,
      username: request.username,
      dryRun: request.dryRun,
      kind: [request.kind.group, request.kind.version, request.kind.kind].filter((part) => part !== '').join('/'),
    },
    ...modelFacts(sources.inventory, resources, settings),
    ...(costs ? { costs } : {}),
  };
}

async function prepareReport({ subject, sources = {}, settings, now }: PrepareReport): Promise<ReportPolicyInput> {
  const { facts } = subject;
  const usage = sources.history === undefined ? undefined : await readReportUsage(sources.history, facts.today);
  const anomaly = sources.history === undefined ? undefined : await anomalyInput(sources.history, facts.today, sources.anomalies);
  return {
    subject: 'report',
    context: { now, source: subject.source, defaultEnvironment: null },
    resources: [],
    spend: facts.spend,
    ...modelFacts(sources.inventory, [], settings),
    report: {
      currency: facts.currency,
      series: facts.series,
      upcoming_days: Array.from({ length: 60 }, (_, i) => addDays(facts.today, i)),
      ...(usage ? { usage } : {}),
      ...(anomaly ? { anomaly } : {}),
      ...(facts.showback ? { showback: facts.showback } : {}),
      ...(facts.freshness ? { freshness: facts.freshness } : {}),
      ...(facts.estimates ? { estimates: facts.estimates } : {}),
    },
  };
}

async function anomalyInput(history: CostHistory, today: string, options: ReportSources['anomalies'] = {}): Promise<AnomalyInput> {
  return readAnomalyInput(history, {
    today,
    ...(options.since === undefined ? {} : { since: options.since }),
    lastRun: await history.lastReportRunBefore(today),
    days: options.days ?? 60,
    teamTagKey: options.teamTagKey ?? 'team',
  });
}

export function prepare(request: PrepareAdmission): PolicyInput;
export function prepare(request: PreparePlan): Promise<PolicyInput>;
export function prepare(request: PrepareReport): Promise<ReportPolicyInput>;
export function prepare(request: PrepareRequest): PolicyInput | Promise<PolicyInput>;
export function prepare(request: PrepareRequest): PolicyInput | Promise<PolicyInput> {
  switch (request.subject.kind) {
    case 'plan':
      return preparePlan(request as PreparePlan);
    case 'admission':
      return prepareAdmission(request as PrepareAdmission);
    case 'report':
      return prepareReport(request as PrepareReport);
  }
}
