/**
 * The example custom rule `tollgate init --rule` writes: one rule folder with METADATA, a parameter read through
 * the built-in library, and its unit test, so `tollgate test` passes on it as written and shows the layout.
 */

/** Where the rule and its test go below the policy directory. */
export const STARTER_RULE_FOLDER = 'rules/team/TEAM-GPU-001';

export const STARTER_RULE = `# METADATA
# title: GPU resources name an owner
# description: >-
#   Every resource with accelerators carries the tag naming the team that answers for its spend. Tags unknown
#   until apply are indeterminate.
# custom:
#   severity: medium
#   enforcement: warn
#   remediation: Add the owner tag (parameter tag) to the resource.
#   parameters:
#     tag:
#       description: Tag key that names the owner.
#       default: owner
package tollgate.rules.team["TEAM-GPU-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.finding

_tag := config.param("TEAM-GPU-001", "tag")

_gpu contains r if {
	some r in input.resources
	object.get(r, ["compute", "accelerator", "count"], 0) > 0
}

# METADATA
# scope: document
# description: A GPU resource whose tags are known and lack the owner tag, or whose tags are unknown.
findings contains finding.new(r, sprintf("%s has no \\"%s\\" tag", [r.address, _tag]), {"tag": _tag}) if {
	some r in _gpu
	is_object(r.tags)
	not r.tags[_tag]
}

findings contains finding.indeterminate(r, sprintf("%s: tags are unknown until apply", [r.address]), {"tag": _tag}) if {
	some r in _gpu
	not is_object(r.tags)
}
`;

export const STARTER_RULE_TEST = `package tollgate.rules.team["TEAM-GPU-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.team["TEAM-GPU-001"] as rule

_gpu(tags) := {"address": "aws_instance.train", "compute": {"accelerator": {"model": "A100", "count": 8}}, "tags": tags}

test_gpu_without_owner_is_a_finding if {
	found := rule.findings with input as {"resources": [_gpu({"team": "ml"})]}
	found == {{
		"resource": "aws_instance.train",
		"message": "aws_instance.train has no \\"owner\\" tag",
		"indeterminate": false,
		"evidence": {"tag": "owner"},
	}}
}

test_gpu_with_owner_passes if {
	count(rule.findings) == 0 with input as {"resources": [_gpu({"owner": "ml-platform"})]}
}

test_unknown_tags_are_indeterminate if {
	some found in rule.findings with input as {"resources": [_gpu(null)]}
	found.indeterminate
}

test_tag_parameter_comes_from_config if {
	count(rule.findings) == 0 with input as {"resources": [_gpu({"team": "ml"})]}
		with data.tollgate.config as {"rules": {"TEAM-GPU-001": {"parameters": {"tag": "team"}}}}
}
`;
