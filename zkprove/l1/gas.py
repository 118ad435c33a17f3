"""What a Groth16 check costs on L1, in gas.

The schedule, post-Istanbul:

* transaction base cost: 21,000 (yellow paper, G_transaction);
* calldata: 16 gas per non-zero byte, 4 per zero byte (EIP-2028);
* ecAdd 150, ecMul 6,000, pairing check 45,000 + 34,000 per pair (EIP-1108).

A single verification makes n ecMul and n ecAdd calls for vk_x (n public
inputs) and one 4-pair pairing check. What the verifier contract spends
around those calls (ABI decoding, range checks, memory, the 100-gas warm
STATICCALLs of EIP-2929) is modelled as a fixed part plus a part per
public input, measured on the contract that :mod:`zkprove.l1.solidity`
generates (solc 0.8.28, optimizer on, EVM version cancun; see the
``test_l1_solidity_evm`` tests, which hold the estimate within 5% of what
revm reports).

The EIP-7623 calldata floor (Prague) does not bind here: it only raises
the cost of transactions that spend little besides calldata.
"""

from dataclasses import dataclass

TX_BASE = 21_000
CALLDATA_ZERO_BYTE = 4
CALLDATA_NONZERO_BYTE = 16
EC_ADD = 150
EC_MUL = 6_000
PAIRING_BASE = 45_000
PAIRING_PER_PAIR = 34_000
GROTH16_PAIRS = 4

CONTRACT_FIXED = 1_770
CONTRACT_PER_INPUT = 460


@dataclass(frozen=True)
class GasEstimate:
    """Gas of one verifier transaction, split by where it goes."""

    base: int
    calldata: int
    precompiles: int
    contract: int

    @property
    def total(self) -> int:
        """What the transaction's receipt would show as gasUsed."""
        return self.base + self.calldata + self.precompiles + self.contract


def calldata_gas(data: bytes) -> int:
    """Calldata cost under EIP-2028."""
    zeros = data.count(0)
    return CALLDATA_ZERO_BYTE * zeros + CALLDATA_NONZERO_BYTE * (len(data) - zeros)


def pairing_gas(n_pairs: int) -> int:
    """Cost of one pairing-check call with n pairs (EIP-1108)."""
    return PAIRING_BASE + PAIRING_PER_PAIR * n_pairs


def verify_gas(calldata: bytes, n_public: int) -> GasEstimate:
    """Gas of a transaction calling the generated verifier with this calldata."""
    return GasEstimate(
        base=TX_BASE,
        calldata=calldata_gas(calldata),
        precompiles=n_public * (EC_MUL + EC_ADD) + pairing_gas(GROTH16_PAIRS),
        contract=CONTRACT_FIXED + CONTRACT_PER_INPUT * n_public,
    )


def batch_precompile_gas(n_proofs: int, n_public: int) -> int:
    """Precompile gas of checking n proofs at once as :mod:`zkprove.l1.batch` does.

    ecMul: rho_i*A_i and rho_i*C_i per proof, one for alpha and n_public + 1
    for the weighted vk_x; ecAdd: n_proofs - 1 to sum the C terms and
    n_public for vk_x; one pairing check with n_proofs + 3 pairs.
    """
    ec_mul = 2 * n_proofs + n_public + 2
    ec_add = n_proofs - 1 + n_public
    return EC_MUL * ec_mul + EC_ADD * ec_add + pairing_gas(n_proofs + 3)
