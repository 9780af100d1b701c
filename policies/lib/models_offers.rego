# METADATA
# description: |
#   Accelerator offers from the price catalog (input.catalog.offers: instance types with accelerators, their
#   memory and on-demand hourly price per region; built by the CLI from the catalog it loaded), and the
#   look-ups the model savings rules share: the price of what a deployment runs now, and the cheapest
#   offer in the same cloud and region that holds a given amount of accelerator memory.
package tollgate.lib.models_offers

# METADATA
# description: offers is the catalog's accelerator offers (input.catalog.offers); [] when the input has no catalog.
offers := object.get(input, ["catalog", "offers"], [])

# The catalog spells regions in lower case without spaces ("eastus"); deployments may write "East US".
_region_key(region) := replace(lower(region), " ", "")

# METADATA
# description: >-
#   offer_for(offers, d) is the offer for the instance type deployment d runs, in its cloud and region;
#   undefined when it is not priced.
offer_for(offers, d) := o if {
	some o in offers
	o.cloud == d.cloud
	o.region == _region_key(d.region)
	o.instance_type == lower(d.instance_type)
}

# METADATA
# description: memory_gib(o) is offer o's accelerator memory per instance, in GiB.
memory_gib(o) := o.accelerator_count * o.accelerator_memory_gib

# SageMaker hosts only its own ml.* instance types, and those are not EC2 types: an offer is a candidate
# only for the service the deployment already runs on.
_same_service(o, d) if startswith(o.instance_type, "ml.") == startswith(lower(d.instance_type), "ml.")

# METADATA
# description: >-
#   cheapest_holding(offers, d, gib, below) is the instance type of the cheapest offer in d's cloud, region and
#   service with at least gib of accelerator memory per instance and an hourly price under below; ties go to the
#   first type by name. Undefined when no offer fits.
cheapest_holding(offers, d, gib, below) := best if {
	fits := [o |
		some o in offers
		o.cloud == d.cloud
		o.region == _region_key(d.region)
		_same_service(o, d)
		memory_gib(o) >= gib
		o.hourly_usd < below
	]
	lowest := min({o.hourly_usd | some o in fits})
	best := sort([o.instance_type | some o in fits; o.hourly_usd == lowest])[0]
}

# METADATA
# description: >-
#   offer_named(offers, d, type) is the offer of instance type type in d's cloud and region; undefined when the
#   catalog has none.
offer_named(offers, d, type) := o if {
	some o in offers
	o.cloud == d.cloud
	o.region == _region_key(d.region)
	o.instance_type == type
}
