"""BN254 elliptic-curve groups G1 and G2 on numpy point arrays, with Pippenger MSM.

Modules: :mod:`.field_ops` (field arithmetic dispatched on element type),
:mod:`.points` (Jacobian and affine formulas, one point), :mod:`.kernels`
(parallel array kernels), :mod:`.subgroup` (G2 membership), :mod:`.msm`
(Pippenger), :mod:`.group` (the public array API).
"""

from .group import G1, G2, Bases, Group, Scalars, scalar_limbs

__all__ = ["G1", "G2", "Bases", "Group", "Scalars", "scalar_limbs"]
