// Writes tests/vectors/snarkjs_phase2.json: snarkjs's seeded points and a phase-2 chain made by snarkjs itself.
// Run from the repository root after `npm install --prefix tools/node`:
//   node tests/vectors/make_snarkjs_phase2_vectors.js
// The seeded-point cases are fixed; the chain's contribution draws fresh randomness, so a rerun writes
// another chain that is just as valid.
const path = require("path");
const fs = require("fs");
const os = require("os");
const crypto = require("crypto");
const { execFileSync } = require("child_process");
const modules = path.resolve(__dirname, "../../tools/node/node_modules");
const snarkjs = require(path.join(modules, "snarkjs"));
const { buildBn128, ChaCha } = require(path.join(modules, "ffjavascript"));

const words = (digest) => Array.from({ length: 8 }, (_, i) => digest.readUInt32BE(4 * i));
const hex = (bytes) => Buffer.from(bytes).toString("hex");

async function main() {
  const curve = await buildBn128(true);
  const g1 = (p) => curve.G1.toObject(curve.G1.toAffine(p)).slice(0, 2).map(String);
  const g2 = (p) => curve.G2.toObject(curve.G2.toAffine(p)).slice(0, 2).map((c) => c.map(String));

  // hashToG2 (snarkjs keypair.js): G2.fromRng on ChaCha seeded by the digest's first 32 bytes.
  const hashToG2 = [0, 1, 2, 3, 4].map((k) => {
    const digest = crypto.createHash("blake2b512").update(`zkprove phase-2 vector ${k}`).digest();
    return { digest: hex(digest), point: g2(curve.G2.fromRng(new ChaCha(words(digest)))) };
  });

  // A beacon's secret and blinding point (misc.js rngFromBeaconParams): SHA-256 iterated 2^exp times.
  const beacons = [["0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 10], ["ff", 11]].map(([h, exp]) => {
    let current = Buffer.from(h, "hex");
    for (let i = 0; i < 2 ** exp; i++) current = crypto.createHash("sha256").update(current).digest();
    const rng = new ChaCha(words(current));
    const secret = curve.Fr.toObject(curve.Fr.fromRng(rng)).toString();
    return { hash: h, iterations_exp: exp, secret, s_g1: g1(curve.G1.fromRng(rng)) };
  });

  // A chain: zkey new, one contribution, one beacon, on circomlib's IsZero.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "zkprove-phase2-"));
  const at = (name) => path.join(work, name);
  execFileSync(path.join(modules, ".bin", "circom2"),
    ["tests/circom/iszero.circom", "--r1cs", "-l", path.relative(".", path.join(modules, "circomlib", "circuits")), "-o", work]);
  await snarkjs.powersOfTau.newAccumulator(curve, 4, at("pot0.ptau"));
  await snarkjs.powersOfTau.contribute(at("pot0.ptau"), at("pot1.ptau"), "vectors", "phase one entropy");
  await snarkjs.powersOfTau.preparePhase2(at("pot1.ptau"), at("pot.ptau"));
  const circuitHash = await snarkjs.zKey.newZKey(at("iszero.r1cs"), at("pot.ptau"), at("k0.zkey"));
  const first = await snarkjs.zKey.contribute(at("k0.zkey"), at("k1.zkey"), "first", "phase two entropy");
  const last = await snarkjs.zKey.beacon(at("k1.zkey"), at("k2.zkey"), "final", beacons[0].hash, beacons[0].iterations_exp);
  const data = fs.readFileSync(at("k2.zkey"));
  let pos = 12;
  let section10 = null;
  for (let i = 0; i < data.readUInt32LE(8); i++) {
    const id = data.readUInt32LE(pos);
    const size = Number(data.readBigUInt64LE(pos + 4));
    if (id === 10) section10 = data.subarray(pos + 12, pos + 12 + size);
    pos += 12 + size;
  }
  const chain = { circuit_hash: hex(circuitHash), section_10: hex(section10), contribution_hashes: [hex(first), hex(last)] };

  const out = { snarkjs: require(path.join(modules, "snarkjs", "package.json")).version, hash_to_g2: hashToG2, beacons, chain };
  fs.writeFileSync(path.resolve(__dirname, "snarkjs_phase2.json"), JSON.stringify(out, null, 1) + "\n");
  fs.rmSync(work, { recursive: true });
  await curve.terminate();
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
