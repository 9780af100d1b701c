/**
 * The model inventory: the models a platform serves, their risk, training data, and per version the
 * artifact, evaluations, approvals and deployments. Published as schemas/inventory.schema.json (keep the
 * two in step); the policies read it as `input.inventory` with the keys exactly as a user writes them
 * (snake_case, like tollgate.yaml), so a policy author reads the same names in the file and in Rego.
 */

export type RiskTier = 'minimal' | 'limited' | 'high' | 'prohibited';
export type DataClassification = 'public' | 'internal' | 'confidential' | 'pii' | 'phi';
export type Precision = 'fp32' | 'bf16' | 'fp16' | 'fp8' | 'int8' | 'int4';
export type EvaluationKind = 'accuracy' | 'bias' | 'safety' | 'security-scan' | 'red-team';
export type ReviewDecision = 'approve' | 'reject';
export type Stage = 'development' | 'staging' | 'production' | 'archived';
export type ServingPlatform = 'sagemaker' | 'vertex' | 'azureml' | 'kserve' | 'kubernetes';
export type Cloud = 'aws' | 'gcp' | 'azure';

export const PRECISIONS: readonly Precision[] = ['fp32', 'bf16', 'fp16', 'fp8', 'int8', 'int4'];
export const RISK_TIERS: readonly RiskTier[] = ['minimal', 'limited', 'high', 'prohibited'];

export interface Dataset {
  readonly name: string;
  readonly classification: DataClassification;
  /** Regions (globs) the data, and models trained on it, must stay in. */
  readonly residency?: readonly string[];
}

export interface Artifact {
  readonly uri: string;
  /** "sha256:<hex>" */
  readonly digest: string;
}

export interface Evaluation {
  readonly kind: EvaluationKind;
  readonly passed: boolean;
  /** YYYY-MM-DD or RFC 3339. */
  readonly date: string;
  readonly report?: string;
  /** The variant evaluated, when it is not the version's own precision (a quantized build). */
  readonly precision?: Precision;
}

export interface Approval {
  readonly reviewer: string;
  readonly role: string;
  readonly team?: string;
  readonly decision: ReviewDecision;
  readonly date: string;
  /** The artifact reviewed; required for an approval, which covers only that artifact. */
  readonly digest?: string;
  /** Last day the approval counts. */
  readonly expires?: string;
  readonly note?: string;
}

export interface Deployment {
  /** Terraform address or Kubernetes workload serving the version; findings name it. */
  readonly resource?: string;
  readonly environment: string;
  readonly platform: ServingPlatform;
  readonly cloud?: Cloud;
  readonly region: string;
  readonly instance_type?: string;
  readonly accelerator?: string;
  readonly replicas?: number;
  readonly hours_per_month?: number;
  /** Observed average GPU utilization, percent. */
  readonly gpu_utilization?: number;
  /** Observed average GPU memory in use, percent. */
  readonly gpu_memory_utilization?: number;
  readonly customer_managed_key?: boolean;
  /** The artifact actually deployed, when it differs from the version's. */
  readonly digest?: string;
}

export interface ModelVersion {
  /** Always a string once loaded (a bare YAML number such as `3` is read as "3"). */
  readonly version: string;
  readonly artifact: Artifact;
  readonly framework?: string;
  readonly parameters?: number;
  readonly precision?: Precision;
  readonly stage?: Stage;
  readonly evaluations?: readonly Evaluation[];
  readonly approvals?: readonly Approval[];
  readonly deployments?: readonly Deployment[];
}

export interface Model {
  readonly id: string;
  readonly name?: string;
  readonly owner_team: string;
  /** People on the owning team, named as reviewers are, whose approvals do not count. */
  readonly owners?: readonly string[];
  readonly purpose?: string;
  readonly risk_tier: RiskTier;
  readonly datasets?: readonly Dataset[];
  readonly versions: readonly ModelVersion[];
}

export interface Inventory {
  readonly version?: 1;
  readonly models: readonly Model[];
}
