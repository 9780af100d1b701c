# METADATA
# title: Training on spot capacity checkpoints its progress
# description: >-
#   Spot / preemptible capacity can be reclaimed at any time; interrupted work that does not checkpoint
#   restarts from scratch, which can cost more than on-demand would have. Warns for interruptible work
#   (training or batch, as in TG-SAV-SPOT) on spot capacity whose checkpointing is off
#   (compute.checkpointing = false: SageMaker without `checkpoint_config`, a job without a checkpoint
#   annotation); when the source does not say (null), the finding is indeterminate.
# custom:
#   id: TG-SAV-CKPT
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Save checkpoints to durable storage and resume from the latest one: SageMaker `checkpoint_config
#     { s3_uri = ... }` with managed spot training, PyTorch/TF checkpoint callbacks writing to S3/GCS/Blob
#     storage, or the tollgate.dev/checkpointing annotation on jobs that already do.
package tollgate.rules.savings["TG-SAV-CKPT"] # regal ignore:prefer-snake-case

import data.tollgate.lib.cost_workload
import data.tollgate.lib.finding
import data.tollgate.lib.resources

# Interruptible work on spot capacity (an array: see resources.judged).
spot_work := [r |
	some r in resources.with_compute
	r.compute.spot == true
	cost_workload.interruptible(r)
]

_evidence(r) := {
	"workload": cost_workload.workload(r).workload,
	"because": cost_workload.workload(r).because,
	"compute.spot": true,
	"compute.checkpointing": object.get(r.compute, "checkpointing", null),
}

findings contains finding.new(r, message, _evidence(r)) if {
	some r in spot_work
	r.compute.checkpointing == false
	message := concat("", [
		r.address, " runs ", cost_workload.label(r),
		" on spot capacity without checkpointing: interrupted work restarts from scratch",
	])
}

findings contains finding.indeterminate(r, message, _evidence(r)) if {
	some r in spot_work
	object.get(r.compute, "checkpointing", null) == null
	message := concat("", [
		r.address, " runs ", cost_workload.label(r),
		" on spot capacity and does not say whether it checkpoints (compute.checkpointing is unknown);",
		" without checkpoints interrupted work restarts from scratch",
	])
}
