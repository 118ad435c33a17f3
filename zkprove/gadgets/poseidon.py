"""The Poseidon hash over BN254, circomlib-compatible, in plain Python and in-circuit.

Poseidon (Grassi et al., USENIX Security 2021, section 2) permutes a state of
t = inputs + 1 field elements with RF = 8 full rounds around RP partial rounds.
Each round adds round constants (ARK), applies the S-box x^5 to every element
(full round) or to state[0] only (partial round), then multiplies by the MDS
matrix. circomlib's sponge puts the capacity element at state[0] (0, or
``init_state`` in ``PoseidonEx``), the inputs after it, and outputs state[0]
(``PoseidonEx`` outputs the first ``n_outs`` elements).

In-circuit cost: an S-box is 3 constraints (x², x⁴, x⁵); ARK and the MDS
layer are free because the state is kept as linear combinations (circuit
Vars, or plain ints while values are compile-time constants), so a partial
round costs 3 constraints and a full round 3t. The capacity element's first
S-box has a constant input and is computed at compile time. Poseidon(2) is
thus 3·(8·3 + 57) − 3 = 240 constraints, what circom2 --O2 makes of
circomlib's optimized template.
"""

from collections.abc import Sequence

from ..dsl import API, Var
from ..dsl.var import Operand
from ..field.params import R
from .poseidon_constants import poseidon_params

#: The S-box exponent α: the smallest integer ≥ 3 with gcd(α, r − 1) = 1 for BN254.
ALPHA = 5


def permute(state: Sequence[int]) -> list[int]:
    """The Poseidon permutation of a width-t state (t = 2..7), elements in [0, r)."""
    t = len(state)
    params = poseidon_params(t)
    constants, mds = params.round_constants, params.mds
    half = params.full_rounds // 2
    state = [x % R for x in state]
    for rnd in range(params.n_rounds):
        state = [(x + constants[rnd * t + i]) % R for i, x in enumerate(state)]
        if half <= rnd < half + params.partial_rounds:
            state[0] = pow(state[0], ALPHA, R)
        else:
            state = [pow(x, ALPHA, R) for x in state]
        state = [sum(m * x for m, x in zip(row, state)) % R for row in mds]
    return state


def poseidon_ex(inputs: Sequence[int], init_state: int = 0, n_outs: int = 1) -> list[int]:
    """circomlib's ``PoseidonEx``: permute [init_state, *inputs] and return the first n_outs elements."""
    _check_arity(len(inputs), n_outs)
    return permute([init_state, *inputs])[:n_outs]


def poseidon_hash(inputs: Sequence[int]) -> int:
    """circomlib's ``Poseidon(n)`` / circomlibjs ``poseidon``: 1 to 6 field elements to one."""
    return poseidon_ex(inputs)[0]


def poseidon(api: API, inputs: Sequence[Operand]) -> Var:
    """In-circuit ``Poseidon(len(inputs))``: the hash of 1 to 6 circuit values.

    3·(8t + RP) constraints, fewer when inputs are constants; the result is a
    linear combination, so using it further is free. To compare the hash with
    a known value, :func:`assert_poseidon` saves the equality's constraint.
    """
    return poseidon_ex_circuit(api, inputs)[0]


def poseidon_ex_circuit(api: API, inputs: Sequence[Operand], init_state: Operand = 0, n_outs: int = 1) -> list[Var]:
    """In-circuit ``PoseidonEx``: the first n_outs elements of the permuted state.

    Always satisfiable; each result equals :func:`poseidon_ex` of the inputs.
    Constraints are labelled ``poseidon{t}``.
    """
    _check_arity(len(inputs), n_outs)
    with api.gadget(f"poseidon{len(inputs) + 1}"):
        state = _permutation(api, [init_state, *inputs])
    return [api.constant(x) if isinstance(x, int) else x for x in state[:n_outs]]


def assert_poseidon(api: API, inputs: Sequence[Operand], expected: Operand) -> None:
    """Constrain ``poseidon(inputs) == expected`` at the cost of the hash alone.

    The last S-box's x⁵ = x⁴·x constraint becomes x⁴·x = (expected − rest)/M[0][t−1],
    where rest is the other S-boxes' share of state[0], so no separate
    equality constraint is needed (Poseidon(2) checked against a public value:
    240 constraints, as circom2 --O2). Unsatisfiable when the hash differs.
    """
    _check_arity(len(inputs), 1)
    with api.gadget(f"poseidon{len(inputs) + 1}"):
        _permutation(api, [0, *inputs], expected)


def _permutation(api: API, state: list, expected: Operand | None = None) -> list:
    """The permutation on circuit values; with ``expected``, assert state[0] instead (returns [])."""
    t = len(state)
    params = poseidon_params(t)
    constants, mds = params.round_constants, params.mds
    half = params.full_rounds // 2
    for rnd in range(params.n_rounds):
        state = [x + constants[rnd * t + i] for i, x in enumerate(state)]
        if half <= rnd < half + params.partial_rounds:
            state[0] = _sbox(api, state[0])
        elif rnd == params.n_rounds - 1 and expected is not None and not isinstance(state[-1], int):
            _assert_last_round(api, state, mds[0], expected)
            return []
        else:
            state = [_sbox(api, x) for x in state]
        state = [_dot(row, state) for row in mds]
    if expected is not None:
        api.assert_equal(state[0], expected)
    return state


def _assert_last_round(api: API, state: list, row: Sequence[int], expected: Operand) -> None:
    """row · (S-boxed state) == expected, the last S-box's product folded into the check."""
    *head, x = state
    target = (expected - _dot(row[:-1], [_sbox(api, y) for y in head])) * pow(row[-1], -1, R)
    x2 = api.mul(x, x)
    x4 = api.mul(x2, x2)
    api.assert_equal(api.mul(x4, x), target)


def _sbox(api: API, x: Operand) -> Operand:
    """x^5 in 3 constraints, or for free when x is a compile-time constant."""
    if isinstance(x, int):
        return pow(x, ALPHA, R)
    x2 = api.mul(x, x)
    x4 = api.mul(x2, x2)
    return api.mul(x4, x)


def _dot(row: Sequence[int], state: Sequence[Operand]) -> Operand:
    """Σ row[j]·state[j] as a linear combination (free in R1CS); plain ints stay ints."""
    total: Operand = 0
    for m, x in zip(row, state):
        total = total + (m * x % R if isinstance(x, int) else m * x)
    return total % R if isinstance(total, int) else total


def _check_arity(n_inputs: int, n_outs: int) -> None:
    if not 1 <= n_inputs <= 6:
        raise ValueError(f"Poseidon takes 1 to 6 inputs (t = 2..7), got {n_inputs}")
    if not 1 <= n_outs <= n_inputs + 1:
        raise ValueError(f"PoseidonEx with {n_inputs} inputs has 1 to {n_inputs + 1} outputs, asked for {n_outs}")
