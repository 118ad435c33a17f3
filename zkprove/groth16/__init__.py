"""Groth16 over BN254: the proof system's data, and later its setup, prover and verifier."""

from zkprove.groth16.data import G1, G1_INFINITY, G2, G2_INFINITY, Fq2, Proof, VerifyingKey

__all__ = ["G1", "G1_INFINITY", "G2", "G2_INFINITY", "Fq2", "Proof", "VerifyingKey"]
