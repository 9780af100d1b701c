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
