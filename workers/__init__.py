"""The Ray prover cluster: coordinator, prover actors, assignment policies, fault models and job log."""
