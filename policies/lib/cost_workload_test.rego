package tollgate.lib.cost_workload_test

import data.tollgate.lib.cost_workload

_compute(address, role, tags) := {"address": address, "tags": tags, "compute": {"role": role}}

test_training_role_wins if {
	cost_workload.workload(_compute("x.serve", "training", {"workload": "batch"})) == {
		"workload": "training",
		"because": "compute.role = \"training\"",
	}
}

test_workload_tag_is_case_insensitive if {
	cost_workload.workload(_compute("x.y", "node_group", {"WORKLOAD": "Batch"})).workload == "batch"
	cost_workload.label(_compute("x.y", "node_group", {"workload": "batch"})) == "batch jobs"
}

test_address_word_train_or_batch if {
	cost_workload.workload(_compute("module.training.aws_eks_node_group.gpu", "node_group", {})).workload == "training"
	cost_workload.workload(_compute("google_container_node_pool.nightly-batch", "node_group", {})).workload == "batch"
	not cost_workload.workload(_compute("aws_instance.constraint_solver", "instance", {}))
}

test_azure_ml_cluster_runs_jobs if {
	cost_workload.workload(_compute("azurerm_machine_learning_compute_cluster.gpu", "cluster_compute", {})).because == "Azure ML compute clusters run jobs"
}

test_serving_is_not_interruptible if {
	cost_workload.serving(_compute("x.train", "endpoint", {}))
	cost_workload.serving(_compute("x.train", "node_group", {"workload": "Inference"}))
	cost_workload.serving(_compute("x.train", "node_group", {"latency-critical": "TRUE"}))
	not cost_workload.interruptible(_compute("x.train", "node_group", {"latency-critical": "true"}))
}

test_only_running_capacity_is_interruptible if {
	cost_workload.interruptible(_compute("x.train", "instance", {}))
	not cost_workload.interruptible(_compute("x.train", "notebook", {}))
	not cost_workload.interruptible(_compute("x.train", "launch_template", {}))
}

test_unknown_tags_fall_back_to_address if {
	cost_workload.interruptible(_compute("x.batch", "node_group", null))
}

test_address_word_needs_a_boundary_before_it if {
	not cost_workload.workload(_compute("aws_instance.retrain", "instance", {}))
	cost_workload.workload(_compute("aws_instance.re_train", "instance", {})).workload == "training"
	not cost_workload.workload(_compute("aws_instance.x2batch", "instance", {}))
}

test_address_word_is_the_first_in_the_address if {
	cost_workload.workload(_compute("module.batch.aws_instance.train", "instance", {})).workload == "batch"
	cost_workload.workload(_compute("module.xtrain.aws_instance.train-batch", "instance", {})).workload == "training"
	cost_workload.workload(_compute("train-batch", "instance", {})).workload == "training"
	cost_workload.workload(_compute("Batch.TRAIN", "instance", {})).workload == "batch"
}

test_address_word_as_the_regular_expression_finds_it if {
	addresses := [
		"aws_instance.retrain", "aws_instance.re_train", "module.batch.aws_instance.train", "train", "batchtrain",
		"x.trainbatch", "x.strain.batch", "x.é-train", "x.trai", "x.1batch", "x.-batch", "a.train.train",
	]
	every address in addresses {
		_same_word(address)
	}
}

_same_word(address) if {
	found := regex.find_all_string_submatch_n(`(?:^|[^a-z0-9])(train|batch)`, address, 1)
	count(found) == 0
	not cost_workload.workload(_compute(address, "instance", {}))
}

_same_word(address) if {
	found := regex.find_all_string_submatch_n(`(?:^|[^a-z0-9])(train|batch)`, address, 1)
	cost_workload.workload(_compute(address, "instance", {})).workload == {"train": "training", "batch": "batch"}[found[0][1]]
}
