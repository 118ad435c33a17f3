pragma circom 2.0.0;
// circomlib's Poseidon with 2 inputs, for the constraint-count comparison and format interop.
include "poseidon.circom";

component main = Poseidon(2);
