pragma circom 2.0.0;

// The L1 interop tests' circuit: c = a * b with b public, so snarkjs's
// public.json holds two signals, [c, b] (outputs come first).
template Product() {
    signal input a;
    signal input b;
    signal output c;
    c <== a * b;
}

component main {public [b]} = Product();
