# METADATA
# description: Builders for the model inventory tests (lib/models*, rules/review, savings QUANT and IDLE).
package tollgate.lib.models_fixtures_test

now := "2026-11-23T09:00:00Z"

digest_new := "sha256:7777777777777777777777777777777777777777777777777777777777777777"

digest_old := "sha256:6666666666666666666666666666666666666666666666666666666666666666"

approval(reviewer, role, date) := {"reviewer": reviewer, "role": role, "decision": "approve", "date": date, "digest": digest_new}

rejection(reviewer, role, date) := {"reviewer": reviewer, "role": role, "decision": "reject", "date": date}

evaluation(kind, passed, date) := {"kind": kind, "passed": passed, "date": date}

record(environment, region) := {
	"resource": "aws_sagemaker_endpoint_configuration.fraud",
	"environment": environment,
	"platform": "sagemaker",
	"region": region,
	"instance_type": "ml.g5.2xlarge",
	"replicas": 2,
	"customer_managed_key": true,
}

version(approvals, evaluations, deployments) := {
	"version": "7",
	"artifact": {"uri": "s3://models/fraud/7/model.tar.gz", "digest": digest_new},
	"precision": "fp32",
	"parameters": 1000000,
	"approvals": approvals,
	"evaluations": evaluations,
	"deployments": deployments,
}

model(tier, versions) := {
	"id": "fraud",
	"owner_team": "risk-ml",
	"owners": ["maya@example.com"],
	"risk_tier": tier,
	"versions": versions,
}

# inventory_input(models) is an audit input: no resources, the inventory, and the pinned clock.
inventory_input(models) := {"context": {"now": now}, "resources": [], "inventory": {"models": models}}

# deployed(tier, approvals, evaluations) is an audit input with one production deployment of fraud@7.
deployed(tier, approvals, evaluations) := inventory_input([model(tier, [version(approvals, evaluations, [record("prod", "us-east-1")])])])
