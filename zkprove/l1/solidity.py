"""Render a Groth16 verifying key as a Solidity verifier contract.

The contract's entry point and calldata layout are those of
:mod:`zkprove.l1.encoding`; its G2 constants go through the same
:func:`~zkprove.l1.encoding.g2_words` conversion as the calldata, so the
imaginary-first order of EIP-197 is decided in one place.
"""

from zkprove.groth16.data import G1, G2, VerifyingKey
from zkprove.l1.curve import P, R
from zkprove.l1.encoding import g1_words, g2_words
from zkprove.l1.solidity_template import ACCUMULATE_LINE, CONSTANT_LINE, CONTRACT, INPUT_PARAMETER
from zkprove.l1.values import coerce_key
from zkprove.l1.verifier import key_error

DEFAULT_CONTRACT_NAME = "Groth16Verifier"


def _g1_constants(name: str, point: G1) -> list[str]:
    return [CONSTANT_LINE.substitute(name=f"{name}_{axis}", value=v) for axis, v in zip("XY", g1_words(point))]


def _g2_constants(name: str, point: G2) -> list[str]:
    parts = ("X_IM", "X_RE", "Y_IM", "Y_RE")
    return [CONSTANT_LINE.substitute(name=f"{name}_{part}", value=v) for part, v in zip(parts, g2_words(point))]


def render_verifier(vk: VerifyingKey, contract_name: str = DEFAULT_CONTRACT_NAME) -> str:
    """Solidity source of a verifier for this key.

    ValueError for a key :func:`~zkprove.l1.verifier.key_error` refuses: one the
    precompiles would reject, or one under which anyone could forge a proof
    (a contract cannot be more careful than the key it is built from).
    """
    problem = key_error(vk)
    if problem is not None:
        raise ValueError(problem)
    vk = coerce_key(vk)
    if not contract_name.isidentifier():
        raise ValueError(f"{contract_name!r} is not a valid contract name")
    constants = _g1_constants("ALPHA", vk.alpha_g1)
    constants += _g2_constants("BETA", vk.beta_g2) + _g2_constants("GAMMA", vk.gamma_g2)
    constants += _g2_constants("DELTA", vk.delta_g2)
    for k, point in enumerate(vk.ic):
        constants += _g1_constants(f"IC{k}", point)
    n = vk.n_public
    return CONTRACT.substitute(
        name=contract_name,
        n_public=n,
        r=R,
        p=P,
        constants="\n".join(constants),
        input_parameter=INPUT_PARAMETER.substitute(n_public=n) if n else "",
        accumulate="\n".join(ACCUMULATE_LINE.substitute(k=i + 1, i=i) for i in range(n)),
    )
