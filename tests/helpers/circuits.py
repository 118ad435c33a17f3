"""Small DSL circuits for the Groth16 tests, with a valid input set for each."""

from zkprove import Circuit, Public, Secret


class Cubic(Circuit):
    """Knows x with x^3 + x + 5 == y."""

    x: Secret
    y: Public

    def define(self, api):
        x3 = self.x * self.x * self.x
        api.assert_equal(self.y, x3 + self.x + 5)


class TwoPublic(Circuit):
    """Knows x, y with x * y == p0 and x + y == p1: two public inputs."""

    x: Secret
    y: Secret
    p0: Public
    p1: Public

    def define(self, api):
        api.assert_equal(self.x * self.y, self.p0)
        api.assert_equal(self.x + self.y, self.p1)


class ThreePublic(Circuit):
    """Knows x with p0 * x == p1 and p1 + p2 == x^2: three public inputs."""

    x: Secret
    p0: Public
    p1: Public
    p2: Public

    def define(self, api):
        api.assert_equal(self.p0 * self.x, self.p1)
        api.assert_equal(self.p1 + self.p2, self.x * self.x)


class NoPublic(Circuit):
    """Knows a factorisation x * y == 12, with no public input at all."""

    x: Secret
    y: Secret

    def define(self, api):
        api.assert_equal(self.x * self.y, 12)


INPUTS = {
    Cubic: {"x": 3, "y": 35},
    TwoPublic: {"x": 4, "y": 9, "p0": 36, "p1": 13},
    ThreePublic: {"x": 5, "p0": 3, "p1": 15, "p2": 10},
    NoPublic: {"x": 3, "y": 4},
}
