"""The emulated WAN: per-prover links (delay, jitter, bandwidth, drops) in a network namespace of its own."""
