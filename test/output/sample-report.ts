/**
 * A realistic report for the renderer tests: an ML platform plan with findings across rules and resources,
 * one indeterminate finding, one exemption, recommendations, and hostile characters in one message.
 */
import type { BudgetFact, Decision, ExemptedFinding, Finding, Recommendation, RuleDoc } from '../../src/model/decision.js';
import type { Resource, ResourceCost } from '../../src/model/resource.js';
import type { CheckResult } from '../../src/output/check-result.js';

/** A message that tries everything: markup, quotes, a control character, a workflow command, a mention. */
export const HOSTILE_MESSAGE = 'Tag "team" = <script>&\'x\'</script> | \u0001bell\u001b[31m red 100%, a:b\n::error::injected @org/admins';

function rule(doc: Pick<RuleDoc, 'id' | 'area' | 'title' | 'severity' | 'enforcement'> & Partial<RuleDoc>): RuleDoc {
  return {
    description: `${doc.title}.`,
    remediation: 'See the rule documentation.',
    parameters: {},
    file: `rules/${doc.area}/${doc.id}/policy.rego`,
    ...doc,
  };
}

export const sampleRules: readonly RuleDoc[] = [
  rule({
    id: 'TG-ENC-001',
    area: 'encryption',
    title: 'Storage is encrypted at rest',
    description: 'Buckets, volumes and databases that hold training data or model weights must be encrypted at rest.',
    severity: 'high',
    enforcement: 'deny',
    remediation: 'Enable server-side encryption (SSE-KMS) or set `encrypted = true`.',
    parameters: { require_customer_key: { description: 'Require a customer-managed key.', default: false } },
  }),
  rule({
    id: 'TG-ENC-002',
    area: 'encryption',
    title: 'Endpoints require TLS 1.2 or later',
    severity: 'medium',
    enforcement: 'deny',
    remediation: 'Use a TLS 1.2+ security policy on the listener.',
    parameters: { min_tls_version: { description: 'Lowest TLS version accepted.', default: '1.2' } },
  }),
  rule({
    id: 'TG-REG-001',
    area: 'region',
    title: 'Restricted data stays in approved regions',
    severity: 'critical',
    enforcement: 'deny',
    remediation: 'Deploy to one of the approved regions for the data classification.',
    parameters: { allowed: { description: 'Regions per data classification.', default: { restricted: ['eu-west-1'] } } },
  }),
  rule({
    id: 'TG-GPU-001',
    area: 'instance',
    title: 'GPU class fits the environment',
    severity: 'high',
    enforcement: 'deny',
    remediation: 'Use a smaller accelerator in dev, or move the workload to the training account.',
  }),
  rule({
    id: 'TG-TAG-001',
    area: 'tagging',
    title: 'Cost-allocation tags are present',
    severity: 'low',
    enforcement: 'warn',
    remediation: 'Add the tags `team`, `cost-center` and `env`.',
    parameters: { required: { description: 'Tags every taggable resource carries.', default: ['team', 'cost-center', 'env'] } },
  }),
  rule({
    id: 'TG-BUD-001',
    area: 'budget',
    title: 'Planned spend stays within budget',
    severity: 'medium',
    enforcement: 'warn',
    remediation: 'Reduce the node count or raise the budget in tollgate.yaml.',
  }),
  rule({
    id: 'TG-SAV-001',
    area: 'savings',
    title: 'Interruptible work runs on spot capacity',
    severity: 'info',
    enforcement: 'warn',
    remediation: 'Set `capacity_type = "SPOT"` or use spot instances.',
  }),
  rule({
    id: 'TG-SAV-002',
    area: 'savings',
    title: 'Quantized models fit a cheaper accelerator',
    severity: 'info',
    enforcement: 'warn',
    remediation: 'Serve the int8 variant on L4 instead of A100.',
  }),
  rule({
    id: 'TG-REV-001',
    area: 'review',
    title: 'Model versions are approved before deployment',
    severity: 'high',
    enforcement: 'deny',
  }),
];

function resource(address: string, type: string, extra: Partial<Resource> = {}): Resource {
  return {
    address,
    type,
    name:
      address
        .split('.')
        .pop()
        ?.replace(/\[.*\]$/, '') ?? address,
    module: null,
    index: null,
    provider: 'aws',
    providerConfig: 'aws',
    kind: 'other',
    action: 'create',
    region: 'eu-west-1',
    tags: {},
    taggable: true,
    compute: null,
    encryption: null,
    transport: null,
    unknown: [],
    location: null,
    values: {},
    ...extra,
  };
}

export const sampleResources: readonly Resource[] = [
  resource('aws_s3_bucket.datasets', 'aws_s3_bucket', { kind: 'storage', location: { file: 'infra/storage.tf', line: 12 } }),
  resource('aws_s3_bucket.eu_mirror', 'aws_s3_bucket', { kind: 'storage', location: { file: 'infra/storage.tf', line: 40 } }),
  resource('aws_ebs_volume.scratch', 'aws_ebs_volume', { kind: 'storage', unknown: ['encrypted'] }),
  resource('aws_sagemaker_endpoint.llm', 'aws_sagemaker_endpoint', {
    kind: 'compute',
    region: 'us-west-1',
    location: { file: 'infra/serving.tf', line: 3 },
  }),
  resource('aws_lb_listener.api', 'aws_lb_listener', { kind: 'transport', location: { file: 'infra/serving.tf', line: 58 } }),
  resource('module.training.aws_instance.trainer[0]', 'aws_instance', {
    kind: 'compute',
    module: 'module.training',
    index: 0,
    location: { file: 'modules/training/main.tf', line: 7 },
  }),
  resource('aws_eks_node_group.gpu', 'aws_eks_node_group', { kind: 'compute', location: { file: 'infra/eks.tf', line: 21 } }),
  resource('aws_iam_role.sagemaker', 'aws_iam_role', { taggable: true, location: { file: 'infra/iam.tf', line: 1 } }),
  resource('aws_vpc.main', 'aws_vpc', { location: { file: 'infra/network.tf', line: 1 } }),
];

function finding(
  rule: string,
  severity: Finding['severity'],
  resourceAddress: string,
  message: string,
  extra: Partial<Finding> = {},
): Finding {
  return { rule, severity, resource: resourceAddress, message, remediation: '', indeterminate: false, evidence: {}, ...extra };
}

const violations: readonly Finding[] = [
  finding('TG-ENC-001', 'high', 'aws_s3_bucket.datasets', 'S3 bucket aws_s3_bucket.datasets is not encrypted at rest', {
    remediation: 'Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm = "aws:kms".',
    evidence: { encryption: { atRest: false, customerManagedKey: false } },
  }),
  finding(
    'TG-REG-001',
    'critical',
    'aws_sagemaker_endpoint.llm',
    'Region us-west-1 is not approved for restricted data (allowed: eu-west-1)',
    {
      remediation: 'Deploy the endpoint in eu-west-1.',
      evidence: { region: 'us-west-1', classification: 'restricted', allowed: ['eu-west-1'] },
    },
  ),
  finding('TG-GPU-001', 'high', 'module.training.aws_instance.trainer[0]', '8 x H100 (p5.48xlarge) exceed the dev limit of 1 x L4', {
    remediation: 'Use g6.xlarge in dev.',
    evidence: { environment: 'dev', accelerator: { model: 'H100', count: 8 } },
  }),
  finding('TG-ENC-002', 'medium', 'aws_lb_listener.api', 'Listener accepts TLS 1.0 (ELBSecurityPolicy-2016-08)', {
    remediation: 'Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06".',
    evidence: { minTlsVersion: '1.0' },
  }),
];

const warnings: readonly Finding[] = [
  finding('TG-TAG-001', 'low', 'aws_s3_bucket.datasets', 'Missing cost-allocation tags: cost-center, env', {
    remediation: 'Add the missing tags.',
    evidence: { missing: ['cost-center', 'env'] },
  }),
  finding('TG-TAG-001', 'low', 'module.training.aws_instance.trainer[0]', HOSTILE_MESSAGE, {
    remediation: 'Fix the "team" tag & retry.',
    evidence: { tag: 'team' },
  }),
  finding('TG-ENC-001', 'high', 'aws_ebs_volume.scratch', 'Encryption of the volume is not known from the plan', {
    remediation: 'Set encrypted = true explicitly so the plan shows it.',
    indeterminate: true,
    evidence: { unknown: ['encrypted'] },
  }),
  finding('TG-TAG-001', 'low', 'aws_ebs_volume.scratch', 'Missing cost-allocation tags: team', {
    remediation: 'Add the missing tags.',
    evidence: { missing: ['team'] },
  }),
  finding(
    'TG-BUD-001',
    'medium',
    'aws_eks_node_group.gpu',
    'Planned spend $42,310.00/month is 91% of the ml-platform budget ($46,500.00)',
    {
      remediation: 'Reduce the node count or raise the budget.',
      evidence: { budget: 'ml-platform', planned_usd: 42310, limit_usd: 46500 },
    },
  ),
];

const recommendations: readonly Recommendation[] = [
  {
    rule: 'TG-SAV-001',
    resource: 'module.training.aws_instance.trainer[0]',
    message: 'Training job is checkpointed; spot capacity would save about 65%',
    monthly_savings_usd: 1234.56,
    evidence: { onDemandUsd: 1899.32, spotUsd: 664.76 },
  },
  {
    rule: 'TG-SAV-002',
    resource: 'aws_eks_node_group.gpu',
    message: 'The int8 build of llama-3-8b fits an L4 (24 GiB); serving on A100 costs more',
    monthly_savings_usd: 3100.2,
    evidence: { from: 'A100', to: 'L4' },
  },
];

const exempted: readonly ExemptedFinding[] = [
  {
    rule: 'TG-REG-001',
    resource: 'aws_s3_bucket.eu_mirror',
    reason: 'Data residency waiver DPO-2026-17 (mirror of public datasets only)',
    owner: 'data-platform@example.com',
    expires: '2027-01-31',
  },
];

export const sampleDecision: Decision = {
  violations,
  warnings,
  recommendations,
  exempted,
  facts: { budgets: [], savings: { recommendations: 2, monthly_savings_usd: 4334.76 } },
  bundleRevision: 'b3f1c2a9d4e5',
  inputDigest: 'sha256:5f2b3c9a0d1e4f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c',
};

export const sampleReport: CheckResult = {
  decision: sampleDecision,
  rules: sampleRules,
  resources: sampleResources,
  source: { file: 'plans/ml-platform.json', kind: 'terraform-plan' },
  tool: { name: 'tollgate', version: '0.1.0', informationUri: 'https://github.com/tollgate-dev/tollgate' },
  failOn: 'deny',
  color: false,
};

/** A report with nothing to say, for the "passed" paths. */
export const cleanReport: CheckResult = {
  ...sampleReport,
  decision: { ...sampleDecision, violations: [], warnings: [], recommendations: [], exempted: [] },
};

/** Deterministic Fisher–Yates shuffle (seeded), so "shuffled input" tests are reproducible. */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** The sample report with every array reordered: renderers must not care. */
export function shuffledReport(report: CheckResult = sampleReport, seed = 7): CheckResult {
  const { decision } = report;
  return {
    ...report,
    rules: shuffled(report.rules, seed),
    resources: shuffled(report.resources, seed + 1),
    decision: {
      ...decision,
      violations: shuffled(decision.violations, seed + 2),
      warnings: shuffled(decision.warnings, seed + 3),
      recommendations: shuffled(decision.recommendations, seed + 4),
      exempted: shuffled(decision.exempted, seed + 5),
    },
  };
}

/** A priced resource's cost: on-demand, `instances` × `hourly` × 730 h. */
function instanceCost(hourly: number, instances: number, before = 0): ResourceCost {
  const after = Math.round(hourly * instances * 730 * 100) / 100;
  return {
    currency: 'USD',
    monthlyBefore: before,
    monthlyAfter: after,
    monthlyDelta: Math.round((after - before) * 100) / 100,
    hourlyOnDemand: hourly,
    hourlySpot: null,
    instances,
    hoursPerMonth: 730,
    unpriced: null,
    sources: ['aws-price-list (2026-11-01)'],
  };
}

const unpricedCost: ResourceCost = {
  currency: 'USD',
  monthlyBefore: null,
  monthlyAfter: null,
  monthlyDelta: null,
  hourlyOnDemand: null,
  hourlySpot: null,
  instances: null,
  hoursPerMonth: 730,
  unpriced: 'S3 storage is billed per GB stored, which the plan does not state',
  sources: [],
};

/** Costs per resource address for the costed sample (p5.48xlarge $98.32/h, g5.12xlarge $5.672/h × 3, ...). */
const sampleCosts: Readonly<Record<string, ResourceCost>> = {
  'module.training.aws_instance.trainer[0]': instanceCost(98.32, 1),
  'aws_eks_node_group.gpu': instanceCost(5.672, 3, 8281.12),
  'aws_sagemaker_endpoint.llm': instanceCost(1.515, 2),
  'aws_ebs_volume.scratch': {
    ...instanceCost(0, 0),
    monthlyBefore: 40,
    monthlyAfter: 0,
    monthlyDelta: -40,
    instances: null,
    hourlyOnDemand: null,
  },
  'aws_s3_bucket.datasets': unpricedCost,
};

const pricedResources: readonly Resource[] = sampleResources.map((r) =>
  sampleCosts[r.address] ? { ...r, cost: sampleCosts[r.address] } : r,
);

/** A budget fact as the budget rules publish it, with the defaults of tollgate.yaml and 8 of 30 days left. */
function budgetFact(fact: Pick<BudgetFact, 'name' | 'amount' | 'status' | 'message'> & Partial<BudgetFact>): BudgetFact {
  return {
    scope: { team: fact.name },
    currency: 'USD',
    warn_at: 0.8,
    deny_at: 1,
    warn_threshold: fact.amount * 0.8,
    deny_threshold: fact.amount,
    month_to_date: null,
    forecast_remaining: null,
    forecast_is_run_rate: false,
    days_left: 8,
    days_in_month: 30,
    spend_sources: [],
    plan_estimated: true,
    plan_monthly_delta: null,
    plan_prorated_delta: null,
    unpriced_resources: 0,
    unknown_scope_resources: 0,
    projected: null,
    percent_of_amount: null,
    rule: null,
    enforcement: null,
    exempted: false,
    ...fact,
  };
}

/** The costed sample's budgets: one the rules warned about, one within budget, one with no spend data. */
export const sampleBudgets: readonly BudgetFact[] = [
  budgetFact({
    name: 'ml-platform',
    amount: 46500,
    month_to_date: 31200.5,
    forecast_remaining: 11346.19,
    spend_sources: ['focus-2026-11.csv'],
    plan_monthly_delta: 4140.56,
    plan_prorated_delta: 1104.15,
    projected: 43650.84,
    percent_of_amount: 93.9,
    status: 'warn',
    message: 'Planned spend $42,310.00/month is 91% of the ml-platform budget ($46,500.00)',
    rule: 'TG-BUD-001',
    enforcement: 'warn',
  }),
  budgetFact({
    name: 'research',
    amount: 90000,
    month_to_date: 12000,
    forecast_remaining: 4363.64,
    forecast_is_run_rate: true,
    spend_sources: ['focus-2026-11.csv', 'run-rate projection: month to date over 22 days × 8 days left'],
    plan_monthly_delta: 71773.6,
    plan_prorated_delta: 19139.63,
    projected: 35503.27,
    percent_of_amount: 39.4,
    status: 'ok',
    message: 'budget "research" (team=research): … — under the 80% warning threshold',
  }),
  budgetFact({
    name: 'serving',
    amount: 10000,
    plan_monthly_delta: 2211.9,
    plan_prorated_delta: 589.84,
    status: 'indeterminate',
    message: 'budget "serving" (team=serving): month-to-date spend is unknown (no spend data covers its scope), so it cannot be checked',
    rule: 'TG-BUD-002',
    enforcement: 'deny',
  }),
];

/** The sample report after pricing, with three budgets. */
export const costedReport: CheckResult = {
  ...sampleReport,
  decision: { ...sampleDecision, facts: { ...sampleDecision.facts, budgets: sampleBudgets } },
  resources: pricedResources,
  costs: {
    currency: 'USD',
    monthlyBefore: 8321.12,
    // After: trainer 71,773.60 + node group 12,421.68 (grown from 8,281.12) + endpoint 2,211.90 + volume 0.
    monthlyAfter: 86407.18,
    monthlyDelta: 78086.06,
    unpricedResources: 1,
    hoursPerMonth: 730,
    catalogAsOf: '2026-11-01',
  },
  spend: [
    {
      budget: 'ml-platform',
      currency: 'USD',
      monthToDate: 31200.5,
      forecastRemaining: 11346.19,
      daysInMonth: 30,
      daysLeft: 8,
      sources: ['focus-2026-11.csv'],
    },
    {
      budget: 'research',
      currency: 'USD',
      monthToDate: 12000,
      forecastRemaining: 4363.64,
      daysInMonth: 30,
      daysLeft: 8,
      sources: ['focus-2026-11.csv', 'run-rate projection: month to date over 22 days × 8 days left'],
    },
    { budget: 'serving', currency: 'USD', monthToDate: null, forecastRemaining: null, daysInMonth: 30, daysLeft: 8, sources: [] },
  ],
};
