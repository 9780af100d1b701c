# METADATA
# title: Classified data stays in the regions allowed for its classification
# description: >-
#   Data classes such as PII or restricted may only be stored and processed in certain jurisdictions,
#   whatever the environment. The classification comes from the resource's classification tag; untagged
#   resources are not restricted, but a classification that is unknown until apply is indeterminate.
# custom:
#   id: TG-REG-002
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Move the resource to a region allowed for its data classification (classifications.<class>.allowed_regions
#     in tollgate.yaml), or correct its classification tag if the data is not of that class.
package tollgate.rules.region["TG-REG-002"] # regal ignore:prefer-snake-case

import data.tollgate.lib.classification
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.patterns
import data.tollgate.lib.resources
import data.tollgate.lib.unknown

_allowed(r) := object.get(classification.settings(r), "allowed_regions", null)

# _judged: [resource, its allowed regions] for every judged resource whose classification lists allowed regions,
# for the two clauses that judge regions: each resource's list is looked up once.
_judged := [[r, allowed] |
	some r in resources.judged
	allowed := _allowed(r)
	is_array(allowed)
]

_evidence(r, allowed) := {"region": r.region, "classification": classification.name(r), "allowed_regions": allowed}

# False rather than undefined when off: wasm memoizes only a defined value, and each clause tests _active.
default _active := false

# Skip every resource at once when nothing is configured for this rule (large plans, no indexing in wasm).
_active if count(classification.configured("allowed_regions")) > 0

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per judged resource in a region its data classification's allowed_regions does not
#   allow; indeterminate when a classified resource's region, or a taggable resource's classification, is unknown
#   until apply.
#   An array, as per_resource_rules allows: no two of its findings are equal (each names its resource, and each
#   clause below says something else of it).
findings := [f | some clause in [_outside_allowed, _region_unknown, _classification_unknown]; some f in clause]

_outside_allowed := [finding.new(r, message, _evidence(r, allowed)) |
	_active
	some [r, allowed] in _judged
	is_string(r.region)
	not patterns.any_match(allowed, r.region)
	message := messages.text([
		r.address, " holds ", messages.quote(classification.name(r)), " data in region ",
		messages.quote(r.region), ", which that classification does not allow (allowed: ",
		messages.list(allowed), ")",
	])
]

_region_unknown := [finding.indeterminate(r, message, _evidence(r, allowed)) |
	_active
	some [r, allowed] in _judged
	r.region == null
	resources.regional(r)
	message := messages.text([
		"region of ", r.address, " (", messages.quote(classification.name(r)),
		" data) is unknown until apply (", unknown.why(r, "region"), ")",
	])
]

# Tags unknown until apply: the resource may carry a region-restricted classification.
_classification_unknown := [finding.indeterminate(r, message, evidence) |
	_active
	restricted := classification.configured("allowed_regions")
	count(restricted) > 0
	some r in resources.judged
	r.taggable == true
	classification.unknown(r)
	message := messages.text([
		"data classification of ", r.address,
		" is unknown until apply (its tags are unknown until apply), so its region ",
		messages.quote(r.region), " cannot be checked against classifications ", messages.list(restricted),
	])
	evidence := {"region": r.region, "classification": null, "restricted_classifications": sort(restricted)}
]
