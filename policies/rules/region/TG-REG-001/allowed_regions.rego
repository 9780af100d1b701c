# METADATA
# title: Resources are deployed in the regions allowed for their environment
# description: >-
#   Each environment may be limited to a set of regions (data residency, latency, where reserved capacity
#   and support contracts are). Environments with no allowed_regions configured are not restricted.
# custom:
#   id: TG-REG-001
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Deploy through a provider configuration for an allowed region (AWS provider `region`, GCP `region` /
#     `zone`, Azure `location`), or tag the resource with the environment it belongs to. Allowed regions are
#     set in tollgate.yaml under environments.<env>.allowed_regions (glob patterns such as "eu-*" work).
package tollgate.rules.region["TG-REG-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.environment
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.patterns
import data.tollgate.lib.resources
import data.tollgate.lib.unknown

_allowed(r) := environment.setting(r, "allowed_regions")

# _judged: [resource, its allowed regions] for every judged resource whose environment lists allowed regions, for
# the two clauses that judge regions: each resource's list is looked up once.
_judged := [[r, allowed] |
	some r in resources.judged
	allowed := _allowed(r)
	is_array(allowed)
]

_evidence(r, allowed) := {"region": r.region, "environment": environment.name(r), "allowed_regions": allowed}

# False rather than undefined when off: wasm memoizes only a defined value, and each clause tests _active.
default _active := false

# Skip every resource at once when nothing is configured for this rule (large plans, no indexing in wasm).
_active if environment.configured("allowed_regions")

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per judged resource in a region its environment's allowed_regions does not allow;
#   indeterminate when a regional resource's region or environment is unknown until apply.
#   An array, as per_resource_rules allows: no two of its findings are equal (each names its resource, and each
#   clause below says something else of it).
findings := [f | some clause in [_outside_allowed, _region_unknown, _environment_unknown]; some f in clause]

_outside_allowed := [finding.new(r, message, _evidence(r, allowed)) |
	_active
	some [r, allowed] in _judged
	is_string(r.region)
	not patterns.any_match(allowed, r.region)
	message := messages.text([
		r.address, " is in region ", messages.quote(r.region), ", which environment ",
		messages.quote(environment.name(r)), " does not allow (allowed: ", messages.list(allowed), ")",
	])
]

_region_unknown := [finding.indeterminate(r, message, _evidence(r, allowed)) |
	_active
	some [r, allowed] in _judged
	r.region == null
	resources.regional(r)
	message := messages.text([
		"region of ", r.address, " is unknown until apply, so it cannot be checked against environment ",
		messages.quote(environment.name(r)), " (allowed: ", messages.list(allowed), "; ",
		unknown.why(r, "region"), ")",
	])
]

# A resource whose environment tag is unknown until apply is not judged as the default environment.
_environment_unknown := [finding.indeterminate(r, message, {"region": r.region, "environment": null, "unknown": environment.unknown_why(r)}) |
	_active
	some r in resources.judged
	resources.regional(r)
	environment.unknown(r)
	message := messages.text([
		"environment of ", r.address, " is unknown until apply (", environment.unknown_why(r),
		"), so its allowed regions cannot be chosen",
	])
]
