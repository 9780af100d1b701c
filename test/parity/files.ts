/** The one tollgate.yaml every enforcement point reads in the parity suite, with its catalog and inventory. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BUILTIN_CATALOG = new URL('../../src/pricing/catalog.json', import.meta.url);

/** The custom catalog's price for a p4d.24xlarge in us-east-1, so tests can tell which catalog priced. */
export const CUSTOM_P4D_HOURLY = 20;
/** In the custom catalog an A100 on GCP costs less than any L4 machine, so int8 on L4 saves nothing. */
export const CUSTOM_A2_HIGHGPU_1G_HOURLY = 0.5;
export const HOURS_PER_MONTH = 600;

export interface ParityFiles {
  readonly config: string;
  readonly catalog: string;
  readonly inventory: string;
}

interface CatalogEntry {
  provider: string;
  type: string;
  prices: Record<string, { onDemand: number; source: string; asOf: string; spot?: number }>;
}

function customCatalog(): string {
  const document = JSON.parse(readFileSync(BUILTIN_CATALOG, 'utf8')) as { instances: CatalogEntry[]; description: string };
  document.description = 'parity suite: the built-in snapshot with negotiated prices';
  for (const entry of document.instances) {
    if (entry.provider === 'aws' && entry.type === 'p4d.24xlarge' && entry.prices['us-east-1'])
      entry.prices['us-east-1'].onDemand = CUSTOM_P4D_HOURLY;
    if (entry.provider === 'gcp' && entry.type === 'a2-highgpu-1g' && entry.prices['us-central1'])
      entry.prices['us-central1'].onDemand = CUSTOM_A2_HIGHGPU_1G_HOURLY;
  }
  return JSON.stringify(document, null, 2);
}

const CONFIG = `version: 1
default_environment: dev
environments:
  prod:
    allowed_regions: [us-east-1, us-central1]
    gpu: { max_per_instance: 8, allowed_models: [A100, L4, H100] }
  dev:
    allowed_regions: [us-east-1, us-central1]
    gpu: { max_per_instance: 4, allowed_models: [A100, L4, T4] }
rules:
  TG-TAG-001:
    parameters:
      required: { team: [], cost-center: [], environment: [prod, dev] }
pricing:
  catalog: prices/negotiated.json
  hours_per_month: ${HOURS_PER_MONTH}
  usage:
    "aws_instance.train*": 200
kubernetes:
  region: us-east-1
  namespaces:
    ml-research: { environment: dev, team: ml-research, cost-center: cc-1 }
    ml-serving: { environment: prod, team: ml-serving, cost-center: cc-2 }
    scratch: { environment: dev }
`;

const DIGEST = 'sha256:5f2b8a3c4d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192';

const INVENTORY = `version: 1
models:
  - id: fraud-detector
    name: Fraud detector
    owner_team: ml-serving
    purpose: Scores card transactions
    risk_tier: limited
    versions:
      - version: "1.0.0"
        artifact: { uri: "s3://models/fraud/1.0.0/", digest: "${DIGEST}" }
        framework: xgboost
        stage: production
        evaluations: [{ kind: safety, passed: true, date: "2026-10-20" }]
        approvals:
          - { reviewer: ana@example.com, role: risk, decision: approve, date: "2026-10-21", digest: "${DIGEST}" }
      - version: "2.0.0"
        artifact: { uri: "s3://models/fraud/2.0.0/", digest: "${DIGEST}" }
        framework: xgboost
        stage: staging
  - id: summarizer-13b
    name: Summarizer
    owner_team: ml-serving
    purpose: Summarises support tickets
    risk_tier: limited
    versions:
      - version: "1.0.0"
        artifact: { uri: "gs://models/summarizer/1.0.0/", digest: "${DIGEST}" }
        framework: vllm
        parameters: 13000000000
        precision: fp16
        stage: production
        evaluations: [{ kind: safety, passed: true, date: "2026-10-20" }]
        approvals:
          - { reviewer: ana@example.com, role: risk, decision: approve, date: "2026-10-21", digest: "${DIGEST}" }
        deployments:
          - resource: google_vertex_ai_endpoint.summarizer
            environment: prod
            platform: vertex
            region: us-central1
            instance_type: a2-highgpu-1g
            replicas: 2
            customer_managed_key: true
`;

export function writeParityFiles(dir: string): ParityFiles {
  const files = {
    config: join(dir, 'tollgate.yaml'),
    catalog: join(dir, 'prices', 'negotiated.json'),
    inventory: join(dir, 'inventory.yaml'),
  };
  writeFileSync(files.config, CONFIG);
  // The catalog path is relative to tollgate.yaml, not to the working directory.
  mkdirSync(join(dir, 'prices'), { recursive: true });
  writeFileSync(files.catalog, customCatalog());
  writeFileSync(files.inventory, INVENTORY);
  return files;
}
