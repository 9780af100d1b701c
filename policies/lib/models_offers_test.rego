package tollgate.lib.models_offers_test

import data.tollgate.lib.models_offers

_offer(type, n, gib, price) := {
	"cloud": "gcp", "region": "us-central1", "instance_type": type, "accelerator": "L4",
	"accelerator_count": n, "accelerator_memory_gib": gib, "hourly_usd": price,
}

_offers := [_offer("g2-standard-24", 2, 24, 2), _offer("g2-standard-48", 4, 24, 4), _offer("a2-ultragpu-2g", 2, 80, 10)]

_deployment := {"cloud": "gcp", "region": "US-Central1", "instance_type": "a2-ultragpu-2g"}

test_offer_for_matches_cloud_region_and_type if {
	models_offers.offer_for(_offers, _deployment).hourly_usd == 10
}

test_cheapest_holding_picks_lowest_price_that_fits if {
	models_offers.cheapest_holding(_offers, _deployment, 40, 10) == "g2-standard-24"
	models_offers.cheapest_holding(_offers, _deployment, 50, 10) == "g2-standard-48"
}

test_cheapest_holding_is_undefined_when_nothing_cheaper_fits if {
	not models_offers.cheapest_holding(_offers, _deployment, 200, 100)
	not models_offers.cheapest_holding(_offers, _deployment, 40, 2)
}

test_sagemaker_deployment_only_gets_sagemaker_types if {
	offers := [object.union(_offer("ml.g5.xlarge", 1, 24, 1.4), {"cloud": "aws", "region": "us-east-1"}), object.union(_offer("g5.xlarge", 1, 24, 1), {"cloud": "aws", "region": "us-east-1"})]
	models_offers.cheapest_holding(offers, {"cloud": "aws", "region": "us-east-1", "instance_type": "ml.g5.2xlarge"}, 10, 2) == "ml.g5.xlarge"
}

test_offers_are_empty_without_catalog if {
	models_offers.offers == [] with input as {}
}
