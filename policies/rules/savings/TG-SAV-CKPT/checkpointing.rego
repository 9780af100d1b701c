# METADATA
# title: Training on spot capacity checkpoints its progress
# description: >-
#   Spot / preemptible capacity can be reclaimed at any time; interrupted work that does not checkpoint
#   restarts from scratch, which can cost more than on-demand would have. Warns for interruptible work
#   (training or batch, as in TG-SAV-SPOT) on spot capacity whose checkpointing is off
#   (compute.checkpointing = false). In Kubernetes a workload checkpoints when its annotations or labels say
#   `tollgate.io/checkpointing: "true"` or a pod template mounts a checkpoint volume on durable storage
#   (a PersistentVolumeClaim, NFS or CSI volume named for checkpoints or mounted at a checkpoint path); a Job,
#   PyTorchJob or other workload that shows neither does not. In Terraform the resource's tags say it
#   (`tollgate.io/checkpointing`, or `tollgate-checkpointing` on GCP and Azure); when they do not (null),
#   the finding is indeterminate.
# custom:
#   id: TG-SAV-CKPT
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Save checkpoints to durable storage and resume from the latest one: SageMaker `checkpoint_config
#     { s3_uri = ... }` with managed spot training, PyTorch/TF checkpoint callbacks writing to S3/GCS/Blob
#     storage, then say so: a checkpoint volume on a PersistentVolumeClaim, NFS or CSI storage, or the
#     `tollgate.io/checkpointing: "true"` annotation or tag (`tollgate-checkpointing` on GCP and Azure).
package tollgate.rules.savings["TG-SAV-CKPT"] # regal ignore:prefer-snake-case

import data.tollgate.lib.cost_workload
import data.tollgate.lib.finding
import data.tollgate.lib.resources

# Interruptible work on spot capacity, with its workload profile read once (an array: see resources.judged).
_spot_work := [{"resource": r, "profile": p} |
	some r in resources.with_compute
	r.compute.spot == true
	p := cost_workload.profile(r)
	p.interruptible
]

_evidence(c) := {
	"workload": c.profile.workload.workload,
	"because": c.profile.workload.because,
	"compute.spot": true,
	"compute.checkpointing": object.get(c.resource.compute, "checkpointing", null),
}

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per interruptible workload on spot capacity that does not checkpoint;
#   indeterminate when whether it checkpoints is unknown.
#   An array, as per_resource_rules allows: no two of its findings are equal (each names its resource, and each
#   clause below says something else of it).
findings := [f | some clause in [_not_checkpointing, _checkpointing_unknown]; some f in clause]

_not_checkpointing := [finding.new(c.resource, message, _evidence(c)) |
	some c in _spot_work
	c.resource.compute.checkpointing == false
	message := concat("", [
		c.resource.address, " runs ", c.profile.label,
		" on spot capacity without checkpointing: interrupted work restarts from scratch",
	])
]

_checkpointing_unknown := [finding.indeterminate(c.resource, message, _evidence(c)) |
	some c in _spot_work
	object.get(c.resource.compute, "checkpointing", null) == null
	message := concat("", [
		c.resource.address, " runs ", c.profile.label,
		" on spot capacity and does not say whether it checkpoints (compute.checkpointing is unknown);",
		" without checkpoints interrupted work restarts from scratch",
	])
]
