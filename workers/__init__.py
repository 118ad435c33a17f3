"""The Ray prover cluster: coordinator, prover actors, assignment policies, fault models and job log.

It knows no circuit: a :class:`~workers.workload.JobCircuit` (a DSL circuit
or an ``.r1cs`` with witnesses) turns each job's payload into a witness, and
jobs finalize in the order of their links (docs/architecture.md, section
"The cluster model"). Ray-free, shared with the simulation:
:mod:`.scenario` (the one run configuration and deadline rule),
:mod:`.workload`, :mod:`.jobstore` (the job log protocol), :mod:`.joblog`
(the durable SQLite job log and state machine), :mod:`.core` (the
coordinator's decisions, driven by events on an injectable clock),
:mod:`.policies`, :mod:`.faults`, :mod:`.metrics`, :mod:`.messages`. On Ray:
:mod:`.cluster` (connect, place), :mod:`.actors` (prover and verifier),
:mod:`.coordinator` (the event loop), :mod:`.runner` (one run end to end),
:mod:`.cli` (the ``zkprove cluster`` group; ``run`` itself is
:mod:`bench.cluster_cli`). PROTOCOL.md describes the coordinator-prover messages.
"""
