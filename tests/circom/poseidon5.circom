pragma circom 2.0.0;
// circomlib's Poseidon with 5 inputs, for the constraint-count comparison.
include "poseidon.circom";

component main = Poseidon(5);
