// Writes tests/vectors/eddsa_circomlibjs.json: Baby Jubjub, EdDSAPoseidon and BLAKE-512 vectors from circomlibjs.
// Run from the repository root after `npm install --prefix tools/node`:
//   node tests/vectors/make_eddsa_vectors.js
// The private keys are fixed (SHA-256 of a label), so a rerun writes the same file.
const path = require("path");
const fs = require("fs");
const crypto = require("crypto");
const modules = path.resolve(__dirname, "../../tools/node/node_modules");
const { buildBabyjub, buildEddsa } = require(path.join(modules, "circomlibjs"));
const createBlakeHash = require(path.join(modules, "blake-hash"));

async function main() {
  const babyJub = await buildBabyjub();
  const eddsa = await buildEddsa();
  const F = babyJub.F;
  const str = (x) => F.toObject(x).toString();
  const pt = (p) => [str(p[0]), str(p[1])];
  const base8 = babyJub.Base8;
  const gen = babyJub.Generator;

  const add = [
    [gen, base8],
    [base8, base8],
    [[F.e(0), F.e(1)], base8],
    [babyJub.mulPointEscalar(base8, 12345n), babyJub.mulPointEscalar(gen, 678n)],
  ].map(([p, q]) => ({ p: pt(p), q: pt(q), sum: pt(babyJub.addPoint(p, q)) }));

  const scalars = [0n, 1n, 2n, 7n, 8n, 255n, 2n ** 64n + 3n, babyJub.subOrder - 1n, babyJub.subOrder, 2n ** 253n + 12345n];
  const mul = scalars.map((k) => ({ k: k.toString(), base8_k: pt(babyJub.mulPointEscalar(base8, k)), generator_k: pt(babyJub.mulPointEscalar(gen, k)) }));

  const keys = [];
  const signatures = [];
  const messages = [0n, 1n, 1234567890n, 2n ** 200n + 17n, F.toObject(F.e(-1))];
  for (let i = 0; i < 4; i++) {
    const prv = crypto.createHash("sha256").update(`zkprove eddsa vector ${i}`).digest();
    const sBuff = eddsa.pruneBuffer(createBlakeHash("blake512").update(Buffer.from(prv)).digest());
    let s = 0n;
    for (let j = 31; j >= 0; j--) s = (s << 8n) | BigInt(sBuff[j]);
    const pub = eddsa.prv2pub(prv);
    keys.push({ private_key: prv.toString("hex"), s: s.toString(), public: pt(pub) });
    const msg = messages[i % messages.length];
    const sig = eddsa.signPoseidon(prv, F.e(msg));
    if (!eddsa.verifyPoseidon(F.e(msg), sig, pub)) throw new Error("circomlibjs rejected its own signature");
    signatures.push({ key: i, message: msg.toString(), r8: pt(sig.R8), s: sig.S.toString(), valid: true });
  }
  const forged = { ...signatures[0], message: (BigInt(signatures[0].message) + 1n).toString() };
  forged.valid = eddsa.verifyPoseidon(F.e(BigInt(forged.message)), { R8: [F.e(BigInt(forged.r8[0])), F.e(BigInt(forged.r8[1]))], S: BigInt(forged.s) }, eddsa.prv2pub(Buffer.from(keys[0].private_key, "hex")));
  signatures.push(forged);

  const blake512 = [0, 1, 32, 64, 111, 112, 128, 200].map((n) => {
    const data = Buffer.alloc(n);
    for (let i = 0; i < n; i++) data[i] = (i * 7 + 3) & 255;
    return { data: data.toString("hex"), digest: createBlakeHash("blake512").update(data).digest("hex") };
  });

  const out = {
    source: "circomlibjs 0.1.7 (babyjub.js, eddsa.js signPoseidon/verifyPoseidon/prv2pub), tests/vectors/make_eddsa_vectors.js",
    base8: pt(base8), generator: pt(gen), suborder: babyJub.subOrder.toString(),
    add, mul, keys, signatures, blake512,
  };
  fs.writeFileSync(path.join(__dirname, "eddsa_circomlibjs.json"), JSON.stringify(out, null, 1) + "\n");
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
