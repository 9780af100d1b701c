/** The commented starter inventory `tollgate init --inventory` writes; a test checks it validates. */
export const STARTER_INVENTORY = `# inventory.yaml — the models you serve, their risk, reviews and deployments.
# Schema: schemas/inventory.schema.json. Check it with \`tollgate inventory validate inventory.yaml\`,
# judge it with \`tollgate check --inventory inventory.yaml\` (add --plan plan.json to judge a change).
# Deployed resources point at a version with the tag \`tollgate.io/model: <id>@<version>\`
# (GCP labels and Azure tags: \`tollgate-model: <id>--<version>\`).
version: 1
models:
  - id: churn-scorer
    name: Customer churn scorer
    owner_team: growth-ml
    owners: [lee@example.com]            # their approvals do not count
    purpose: Ranks accounts for the retention team
    risk_tier: limited                   # minimal | limited | high | prohibited (EU AI Act tiers)
    datasets:
      - name: crm-accounts
        classification: pii             # public | internal | confidential | pii | phi
        residency: [eu-west-1]           # pii/phi: serve only here, with a customer-managed key
    versions:
      - version: "4"
        artifact:
          uri: s3://models/churn-scorer/4/model.tar.gz
          digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
        framework: xgboost
        parameters: 2000000
        precision: fp32                  # fp32 | bf16 | fp16 | fp8 | int8 | int4
        stage: production
        evaluations:
          - { kind: accuracy, passed: true, date: "2026-01-10", report: "https://wiki.example.com/churn/4/eval" }
        approvals:
          - reviewer: kim@example.com
            role: ml-lead
            decision: approve            # approve | reject
            date: "2026-01-12"
            digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
            expires: "2027-01-12"
        deployments:
          - resource: aws_sagemaker_endpoint_configuration.churn
            environment: prod
            platform: sagemaker          # sagemaker | vertex | azureml | kserve | kubernetes
            region: eu-west-1
            instance_type: ml.m5.xlarge
            replicas: 2
            customer_managed_key: true
`;
