pragma circom 2.0.0;
// circomlib's IsZero() alone, for the constraint-count comparison with the DSL.
include "comparators.circom";

component main = IsZero();
