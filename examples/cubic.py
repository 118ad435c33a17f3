"""The README's first circuit: define, compile, solve, set up, prove, verify as L1 does."""

import warnings

from zkprove import Circuit, Public, Secret, groth16
from zkprove.l1.verifier import verify


class Cubic(Circuit):
    """Knows x with x**3 + x + 5 == y."""

    x: Secret
    y: Public

    def define(self, api):
        x3 = self.x * self.x * self.x  # 2 constraints
        api.assert_equal(self.y, x3 + self.x + 5)  # 1 constraint; additions are free


def main() -> None:
    cs = Cubic.compile()  # R1CS + witness solver; the under-constrained lint runs here
    w = cs.solve(x=3, y=35)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        pk, vk = groth16.setup(cs)  # dev setup: its toxic waste makes it unfit for production
    proof = groth16.prove(pk, w, cs=cs)
    report = verify(vk, w.public, proof)  # as the L1 contract: ecMul/ecAdd, then one pairing check
    print(f"{cs.n_constraints} constraints; valid={report.ok}; gas {report.gas.total:,}; calldata {report.calldata_bytes} bytes")
    try:
        cs.solve(x=4, y=35)
    except ValueError as error:  # a bad witness names the constraint, gadget, line and signals
        print(f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
