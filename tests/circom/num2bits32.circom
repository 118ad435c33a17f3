pragma circom 2.0.0;
// circomlib's Num2Bits(32) alone, for the constraint-count comparison with the DSL.
include "bitify.circom";

component main = Num2Bits(32);
