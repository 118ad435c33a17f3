"""The DSL without its circle (docs/dsl.md, section "How the DSL is built"): the API owns the builder,
a Var holds the API, and no module reaches into another object's private state.
"""

import ast
from pathlib import Path

from zkprove.dsl import API, Var
from zkprove.dsl.builder import Builder

ROOT = Path(__file__).resolve().parents[1]
#: The modules that write circuits: the DSL and the gadget library on top of it.
PACKAGES = [ROOT / "zkprove" / "dsl", ROOT / "zkprove" / "gadgets"]
#: Private attributes of the standard library that a module may read: the frame walk of diagnostics.py.
STDLIB_PRIVATE = {("sys", "_getframe")}


def modules():
    for package in PACKAGES:
        for path in sorted(package.glob("*.py")):
            yield path, ast.parse(path.read_text(), str(path))


def is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def reaches_into(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, access)`` of each private attribute read or written on an object other than self or cls."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or is_self(node.value):
            continue
        if node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = ast.unparse(node.value)
            if (owner, node.attr) not in STDLIB_PRIVATE:
                found.append((node.lineno, f"{owner}.{node.attr}"))
    return found


def test_no_module_touches_another_objects_private_state():
    offenders = [f"{path.relative_to(ROOT)}:{line} {access}"
                 for path, tree in modules() for line, access in reaches_into(tree)]
    assert offenders == []


def test_the_check_catches_a_reach_into_a_var():
    tree = ast.parse("def fold(builder, product, other):\n    product._lc = other\n    return builder.api._b\n")
    assert reaches_into(tree) == [(2, "product._lc"), (3, "builder.api._b")]
    assert reaches_into(ast.parse("def ok(self, x):\n    self._lc = x.terms\n    return sys._getframe(1)\n")) == []


def imported_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {node.module or ""} | {alias.name for alias in node.names}
    return names


def test_the_builder_knows_neither_vars_nor_the_api():
    builder_module = ast.parse((ROOT / "zkprove" / "dsl" / "builder.py").read_text())
    assert {"api", "Var", "API"}.isdisjoint(imported_names(builder_module))


def test_the_api_owns_its_builder_and_vars_hold_the_api():
    class CountingAPI(API):
        """An API that counts the products it is asked for, to see that Var operators come to it."""

        products = 0

        def mul(self, a, b, *more):
            self.products += 1
            return super().mul(a, b, *more)

    api = CountingAPI()
    assert isinstance(api.builder, Builder) and api.builder is not API().builder
    x, y = (Var({api.builder.new_wire(name): 1}, api) for name in "xy")
    product = (x + 1) * y
    assert api.products == 1 and api.builder.n_constraints == 1
    assert repr(product) == "Var(1*w3)" and repr(x + y) == "Var(1*x + 1*y)"


def test_a_folded_product_stands_for_what_it_was_asserted_equal_to():
    api = API()
    x, y, z = (Var({api.builder.new_wire(name): 1}, api) for name in "xyz")
    product = x * y
    assert product.is_fresh
    api.assert_equal(product, z)
    assert api.builder.n_constraints == 1 and api.builder.n_wires == 4  # the product's wire was folded away
    assert product.terms == z.terms and not product.is_fresh
    used = x * y
    _ = used + 0  # a use: the product may no longer fold
    api.assert_equal(used, z)
    assert api.builder.n_constraints == 3
