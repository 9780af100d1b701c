# METADATA
# description: |
#   What a compute resource's work is, as the savings rules see it.
#   serving(r): latency-critical serving (compute.role "endpoint", tag workload = serving or inference, or
#   tag latency-critical = true); it is never recommended for interruptible capacity.
#   workload(r): {workload: "training" | "batch", because} for interruptible work: compute.role "training";
#   else tag workload = training or batch; else a name or module that says train/batch as a word
#   ("module.training.aws_eks_node_group.gpu", "google_container_node_pool.batch_pool", but not "constraint");
#   else an Azure ML compute cluster (role cluster_compute), which runs jobs. Only running capacity counts
#   (instances, node groups and pools, clusters, training jobs): not launch templates, notebooks or endpoints.
#   Tag keys and values are compared case-insensitively.
package tollgate.lib.cost_workload

import data.tollgate.lib.tags

_tag(r, key) := lower(value) if {
	value := tags.first(r, [key])
	is_string(value)
}

serving(r) if r.compute.role == "endpoint"

serving(r) if _tag(r, "workload") in {"serving", "inference"}

serving(r) if _tag(r, "latency-critical") == "true"

_running_roles := {"instance", "node_group", "cluster_compute", "training"}

# interruptible(r): r runs training or batch work that survives an interruption, and is not serving.
interruptible(r) if {
	r.compute.role in _running_roles
	not serving(r)
	workload(r)
}

workload(r) := {"workload": "training", "because": "compute.role = \"training\""} if {
	r.compute.role == "training"
} else := {"workload": w, "because": concat("", ["tag workload = \"", w, "\""])} if {
	w := _tag(r, "workload")
	w in {"training", "batch"}
} else := {"workload": kind, "because": concat("", ["its address names \"", word, "\""])} if {
	word := regex.find_all_string_submatch_n(`(?:^|[^a-z0-9])(train|batch)`, lower(r.address), 1)[0][1]
	kind := _words[word]
} else := {"workload": "batch", "because": "Azure ML compute clusters run jobs"} if {
	r.compute.role == "cluster_compute"
}

_words := {"train": "training", "batch": "batch"}

# label(r) names the work in messages: "training", "batch jobs".
label(r) := {"training": "training", "batch": "batch jobs"}[workload(r).workload]
