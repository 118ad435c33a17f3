pragma circom 2.0.0;
// The logic of circuits/rollup/transfer_batch.py in circom, from circomlib templates, for the
// constraint-count comparison: one transfer slot over a depth-16 Poseidon account tree.
// Leaf = Poseidon(Ax, Ay, balance, nonce); message = Poseidon(src, dst, amount, nonce), signed with
// EdDSAPoseidon; commitment chain c' = Poseidon(c, enabled * message). Same checks, same order.
include "poseidon.circom";
include "eddsaposeidon.circom";
include "bitify.circom";
include "switcher.circom";

template MerkleRoot(depth) {
    signal input leaf;
    signal input siblings[depth];
    signal input bits[depth];  // already boolean (Num2Bits of the index)
    signal output root;
    component switchers[depth];
    component hashers[depth];
    signal nodes[depth + 1];
    nodes[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        switchers[i] = Switcher();
        switchers[i].sel <== bits[i];
        switchers[i].L <== nodes[i];
        switchers[i].R <== siblings[i];
        hashers[i] = Poseidon(2);
        hashers[i].inputs[0] <== switchers[i].outL;
        hashers[i].inputs[1] <== switchers[i].outR;
        nodes[i + 1] <== hashers[i].out;
    }
    root <== nodes[depth];
}

template Leaf() {
    signal input ax;
    signal input ay;
    signal input balance;
    signal input nonce;
    signal output out;
    component h = Poseidon(4);
    h.inputs[0] <== ax;
    h.inputs[1] <== ay;
    h.inputs[2] <== balance;
    h.inputs[3] <== nonce;
    out <== h.out;
}

template Transfer(depth) {
    signal input rootIn;
    signal input enabled;
    signal input src;
    signal input dst;
    signal input amount;
    signal input nonce;
    signal input r8x;
    signal input r8y;
    signal input s;
    signal input sAcc[4];  // ax, ay, balance, nonce
    signal input sSiblings[depth];
    signal input rAcc[4];
    signal input rSiblings[depth];
    signal output rootOut;
    signal output message;

    enabled * (enabled - 1) === 0;
    // sender_membership
    component srcBits = Num2Bits(depth);
    srcBits.in <== src;
    component sLeaf = Leaf();
    sLeaf.ax <== sAcc[0]; sLeaf.ay <== sAcc[1]; sLeaf.balance <== sAcc[2]; sLeaf.nonce <== sAcc[3];
    component sOld = MerkleRoot(depth);
    sOld.leaf <== sLeaf.out; sOld.siblings <== sSiblings; sOld.bits <== srcBits.out;
    enabled * (sOld.root - rootIn) === 0;
    // amount_range, nonce
    component amountBits = Num2Bits(64);
    amountBits.in <== amount;
    enabled * (nonce - sAcc[3]) === 0;
    // signature
    component msg = Poseidon(4);
    msg.inputs[0] <== src; msg.inputs[1] <== dst; msg.inputs[2] <== amount; msg.inputs[3] <== nonce;
    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== enabled; sig.Ax <== sAcc[0]; sig.Ay <== sAcc[1];
    sig.S <== s; sig.R8x <== r8x; sig.R8y <== r8y; sig.M <== msg.out;
    // balance, then the sender's update
    component debited = Num2Bits(64);
    debited.in <== sAcc[2] - amount;
    component sNewLeaf = Leaf();
    sNewLeaf.ax <== sAcc[0]; sNewLeaf.ay <== sAcc[1]; sNewLeaf.balance <== sAcc[2] - amount; sNewLeaf.nonce <== sAcc[3] + 1;
    component sNew = MerkleRoot(depth);
    sNew.leaf <== sNewLeaf.out; sNew.siblings <== sSiblings; sNew.bits <== srcBits.out;
    // receiver_membership
    component dstBits = Num2Bits(depth);
    dstBits.in <== dst;
    component rLeaf = Leaf();
    rLeaf.ax <== rAcc[0]; rLeaf.ay <== rAcc[1]; rLeaf.balance <== rAcc[2]; rLeaf.nonce <== rAcc[3];
    component rOld = MerkleRoot(depth);
    rOld.leaf <== rLeaf.out; rOld.siblings <== rSiblings; rOld.bits <== dstBits.out;
    enabled * (rOld.root - sNew.root) === 0;
    // receiver_overflow, then the receiver's update
    component credited = Num2Bits(64);
    credited.in <== rAcc[2] + amount;
    component rNewLeaf = Leaf();
    rNewLeaf.ax <== rAcc[0]; rNewLeaf.ay <== rAcc[1]; rNewLeaf.balance <== rAcc[2] + amount; rNewLeaf.nonce <== rAcc[3];
    component rNew = MerkleRoot(depth);
    rNew.leaf <== rNewLeaf.out; rNew.siblings <== rSiblings; rNew.bits <== dstBits.out;

    rootOut <== rootIn + enabled * (rNew.root - rootIn);
    message <== enabled * msg.out;
}

template TransferBatch(T, depth) {
    signal input oldRoot;
    signal input newRoot;
    signal input commitment;
    signal input enabled[T];
    signal input src[T];
    signal input dst[T];
    signal input amount[T];
    signal input nonce[T];
    signal input r8x[T];
    signal input r8y[T];
    signal input s[T];
    signal input sAcc[T][4];
    signal input sSiblings[T][depth];
    signal input rAcc[T][4];
    signal input rSiblings[T][depth];

    component slots[T];
    component chain[T];
    signal roots[T + 1];
    roots[0] <== oldRoot;
    for (var i = 0; i < T; i++) {
        slots[i] = Transfer(depth);
        slots[i].rootIn <== roots[i];
        slots[i].enabled <== enabled[i]; slots[i].src <== src[i]; slots[i].dst <== dst[i];
        slots[i].amount <== amount[i]; slots[i].nonce <== nonce[i];
        slots[i].r8x <== r8x[i]; slots[i].r8y <== r8y[i]; slots[i].s <== s[i];
        slots[i].sAcc <== sAcc[i]; slots[i].sSiblings <== sSiblings[i];
        slots[i].rAcc <== rAcc[i]; slots[i].rSiblings <== rSiblings[i];
        roots[i + 1] <== slots[i].rootOut;
        chain[i] = Poseidon(2);
        chain[i].inputs[0] <== i == 0 ? 0 : chain[i - 1].out;
        chain[i].inputs[1] <== slots[i].message;
    }
    newRoot === roots[T];
    commitment === chain[T - 1].out;
}

component main {public [oldRoot, newRoot, commitment]} = TransferBatch(1, 16);
