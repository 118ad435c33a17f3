"""The Ray prover cluster: coordinator, prover actors, assignment policies, fault models and job log.

Ray-free, shared with a simulation: :mod:`.joblog` (the durable SQLite job
log and state machine), :mod:`.core` (the coordinator's decisions, driven by
events on an injectable clock), :mod:`.policies`, :mod:`.faults`,
:mod:`.metrics`, :mod:`.messages`. On Ray: :mod:`.cluster` (connect, place),
:mod:`.actors` (prover and verifier), :mod:`.coordinator` (the event loop),
:mod:`.scenario` (one run end to end), :mod:`.cli` (``zkprove cluster run``).
PROTOCOL.md describes the coordinator-prover messages.
"""
