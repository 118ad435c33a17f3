"""A discrete-event simulation (SimPy) of the prover cluster, driving the real coordinator core."""
