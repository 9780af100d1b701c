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

# METADATA
# description: >-
#   profile(r) is everything the savings rules ask about r's work, read from its tags once: {serving: bool,
#   interruptible: bool, workload: {workload, because} or null, label: "training" | "batch jobs" | null}. Rules
#   call it once per resource; separate tag lookups add up on large plans in wasm.
profile(r) := {
	"serving": serving,
	"interruptible": _interruptible(r, serving, work),
	"workload": work,
	"label": _label(work),
} if {
	t := _lowered_tags(r)
	serving := _serving(r, t)
	work := _workload(r, t)
}

# METADATA
# description: >-
#   serving(r): r is latency-critical serving (see the package description); such work is never recommended for
#   interruptible capacity.
serving(r) if profile(r).serving

# METADATA
# description: >-
#   interruptible(r): r is running capacity (not a template, notebook or endpoint) doing training or batch work
#   and not serving, so it could run on interruptible capacity.
interruptible(r) if profile(r).interruptible

# METADATA
# description: >-
#   workload(r) is {workload: "training" | "batch", because}, because saying what identified the work; undefined
#   when r's work is neither.
workload(r) := profile(r).workload if profile(r).workload != null

# METADATA
# description: label(r) names r's work in messages, "training" or "batch jobs"; undefined when workload(r) is.
label(r) := profile(r).label if profile(r).label != null

# Tag keys and values lower-cased; {} when tags are unknown.
_lowered_tags(r) := {lower(k): lower(v) | some k, v in r.tags; is_string(v)} if is_object(r.tags)

_lowered_tags(r) := {} if not is_object(r.tags)

_serving(r, t) if {
	r.compute.role == "endpoint"
} else if {
	t.workload in {"serving", "inference"}
} else if {
	t["latency-critical"] == "true"
} else := false

_running_roles := {"instance", "node_group", "cluster_compute", "training"}

_interruptible(r, serving, work) if {
	serving == false
	r.compute.role in _running_roles
	work != null
} else := false

_workload(r, t) := {"workload": "training", "because": "compute.role = \"training\""} if {
	r.compute.role == "training"
} else := {"workload": w, "because": concat("", ["tag workload = \"", w, "\""])} if {
	w := t.workload
	w in {"training", "batch"}
} else := {"workload": kind, "because": concat("", ["its address names \"", word, "\""])} if {
	word := _address_word(lower(r.address))
	kind := _words[word]
} else := {"workload": "batch", "because": "Azure ML compute clusters run jobs"} if {
	r.compute.role == "cluster_compute"
} else := null

_words := {"train": "training", "batch": "batch"}

# _address_word(address): the first of the _words in address that starts it or follows a character other than
# a-z and 0-9, as the regular expression (?:^|[^a-z0-9])(train|batch) finds it; undefined when there is none.
# Written with split and substring: the wasm build compiles a regular expression on every call.
_address_word(address) := sort([[at, word] |
	some word, _ in _words
	contains(address, word)
	some at in _starts(address, word)
])[0][1]

# _starts(text, word): where word starts in text at a word boundary (see _address_word).
_starts(text, word) := {at |
	parts := split(text, word)
	some k in numbers.range(0, count(parts) - 2)
	at := count(concat(word, array.slice(parts, 0, k + 1)))
	_boundary(text, at)
}

_boundary(_, 0)

_boundary(text, at) if {
	at > 0
	not substring(text, at - 1, 1) in _word_characters
}

_word_characters := {c | some c in split("abcdefghijklmnopqrstuvwxyz0123456789", "")}

_labels := {"training": "training", "batch": "batch jobs"}

_label(work) := _labels[work.workload] if work != null

_label(null) := null
