# METADATA
# description: |
#   Message fragments. sprintf runs as JavaScript (sprintf-js) in the wasm target, where only %s and %d
#   print like Go's, and arrays/null print differently; so values are rendered with json.marshal (native
#   in wasm, same output everywhere) and joined with concat.
package tollgate.lib.messages

# METADATA
# scope: document
# description: >-
#   show(x) renders a value for a message: a string as it is, anything else as JSON ("false", "1.5", "null").
show(x) := x if {
	# One rule with else: wasm evaluates every clause of a function, and messages call show for every part.
	is_string(x)
} else := json.marshal(x)

# METADATA
# description: >-
#   text(parts) joins the parts of a message, each rendered by show: for strings, what sprintf("%s…%s", parts)
#   gives, without leaving wasm (there sprintf is JavaScript, each call passing its arguments and its result
#   through JSON, a tenth of a plan's evaluation when most resources have findings).
text(parts) := concat("", [show(part) | some part in parts])

# METADATA
# description: >-
#   quote(x) renders any value as JSON, strings quoted: "\"eu-west-1\"", "false", "null".
quote(x) := json.marshal(x)

# METADATA
# description: >-
#   list(xs) renders an array or set as its sorted elements, each as JSON, comma-separated: "\"a\", \"b\"";
#   "" when xs is empty.
list(xs) := concat(", ", [json.marshal(x) | some x in sort(xs)])

# METADATA
# scope: document
# description: >-
#   detail(r, attribute, value) names the provider attribute behind a model value with its value, "encrypted =
#   false": the raw planned value (r.values[attribute]) when it is a non-null scalar, otherwise value, as JSON.
detail(r, attribute, value) := concat(" = ", [attribute, json.marshal(planned)]) if {
	# One rule with else: the planned value is looked up once, not once per clause.
	planned := _planned(r, attribute)
	_scalar(planned)
} else := concat(" = ", [attribute, json.marshal(value)])

_planned(r, attribute) := object.get(object.get(r, "values", {}), attribute, null)

_scalar(x) if {
	x != null
	not is_object(x)
	not is_array(x)
}

# _instance_type(r) is ` (instance type "g5.12xlarge")` when the resource names one, else empty: a Pod that does
# not pin an instance type should not read "instance type null".
_instance_type(r) := concat("", [" (instance type ", json.marshal(r.compute.instanceType), ")"]) if {
	is_string(r.compute.instanceType)
}

_instance_type(r) := "" if not is_string(r.compute.instanceType)

# METADATA
# scope: document
# description: >-
#   variant_type(v) is ` (instance type "g5.12xlarge")` for a machine shape v (see resources.variants) whose
#   instance type is known; "" when it is unknown (null) or absent.
variant_type(v) := concat("", [" (instance type ", json.marshal(v.instanceType), ")"]) if is_string(v.instanceType)

variant_type(v) := "" if not is_string(v.instanceType)

# METADATA
# scope: document
# description: >-
#   unknown_accelerators(r, v) says why the accelerators of variant v of r are unknown: its instance type is
#   not in the instance-type table (and where to add it), or it is unknown until apply (null).
unknown_accelerators(r, v) := concat("", [
	"instance type ", json.marshal(v.instanceType), " of ", r.address,
	" is not in the instance-type table, so its accelerators are unknown (add it to src/model/instance-specs.ts)",
]) if {
	is_string(v.instanceType)
}

unknown_accelerators(r, v) := concat("", ["instance type of ", r.address, " is unknown until apply, so its accelerators are unknown"]) if {
	not is_string(v.instanceType)
}
