pragma circom 2.0.0;

// The .zkey/.ptau tests' circuit, with no includes: y = s_n * x where
// s_0 = x and s_{i+1} = s_i^2 + c; c is public, so public.json is [y, c].
template Chain(n) {
    signal input x;
    signal input c;
    signal output y;
    signal s[n + 1];
    s[0] <== x;
    for (var i = 0; i < n; i++) {
        s[i + 1] <== s[i] * s[i] + c;
    }
    y <== s[n] * x;
}

component main {public [c]} = Chain(20);
