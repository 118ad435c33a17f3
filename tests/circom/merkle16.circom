pragma circom 2.0.0;
// A binary Poseidon Merkle path (circomlib has no such template outside SMT):
// per level, a path bit constrained to {0, 1}, a Switcher ordering (node, sibling)
// and Poseidon(2). Used for the constraint-count comparison with zkprove's gadget.
include "poseidon.circom";
include "switcher.circom";

template MerklePath(depth) {
    signal input leaf;
    signal input pathElements[depth];
    signal input pathIndices[depth];
    signal output root;

    component switchers[depth];
    component hashers[depth];
    signal nodes[depth + 1];
    nodes[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        pathIndices[i] * (1 - pathIndices[i]) === 0;
        switchers[i] = Switcher();
        switchers[i].sel <== pathIndices[i];
        switchers[i].L <== nodes[i];
        switchers[i].R <== pathElements[i];
        hashers[i] = Poseidon(2);
        hashers[i].inputs[0] <== switchers[i].outL;
        hashers[i].inputs[1] <== switchers[i].outR;
        nodes[i + 1] <== hashers[i].out;
    }
    root <== nodes[depth];
}

component main = MerklePath(16);
