pragma circom 2.0.0;
// circomlib's LessThan(32) alone, for the constraint-count comparison with the DSL.
include "comparators.circom";

component main = LessThan(32);
