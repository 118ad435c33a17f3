"""The circuit base class: declared inputs plus ``define(self, api)``, gnark style."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .api import API


class _CompileMethod:
    """``compile`` callable on the class (``Cubic.compile()``, ``Batch.compile(T=4)``:
    size parameters go to the constructor) or on an instance (``Batch(T=4).compile()``).
    """

    def __get__(self, instance: Circuit | None, owner: type[Circuit]) -> Callable[..., Any]:
        from .compiler import compile_circuit

        if instance is not None:
            def compile_instance(*, strict: bool = True) -> Any:
                return compile_circuit(instance, strict)

            return compile_instance

        def compile_class(*, strict: bool = True, **params: Any) -> Any:
            return compile_circuit(owner(**params), strict)

        return compile_class


class Circuit:
    """Base class of circuits.

    Declare inputs with :class:`Public` and :class:`Secret` (see
    :mod:`zkprove.dsl.inputs`), take size parameters in ``__init__``, and
    write the constraints in ``define``::

        class Cubic(Circuit):
            x: Secret
            y: Public

            def define(self, api):
                api.assert_equal(self.y, self.x ** 3 + self.x + 5)

        cs = Cubic.compile()           # -> CompiledCircuit; runs the lint
        w = cs.solve(x=3, y=35)        # -> Witness; w.public == [35]

    ``compile(strict=True)`` raises :class:`UnderConstrained` on lint errors;
    ``strict=False`` turns them into warnings. Inside ``define`` the inputs
    are Vars (or nested lists / records of Vars) on a copy of the object.
    """

    compile = _CompileMethod()

    def unit_of_work(self) -> tuple[str, int] | None:
        """What one proof of this circuit covers, e.g. ``("transaction", T)``.

        Optional; tools such as ``zkprove r1cs info`` use it to report
        constraints per unit. None (the default) means no natural unit.
        """
        return None

    def define(self, api: API) -> None:
        """Write the circuit's constraints with ``api``."""
        raise NotImplementedError(f"{type(self).__name__} must define define(self, api)")


def gadget(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for gadget functions ``fn(api, ...)``: label their constraints ``name``.

    Equivalent to wrapping the body in ``with api.gadget(name):``.
    """
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapped(api: API, *args: Any, **kwargs: Any) -> Any:
            with api.gadget(name):
                return fn(api, *args, **kwargs)

        return wrapped

    return decorate
