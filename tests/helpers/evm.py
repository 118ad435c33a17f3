"""Compile Solidity with solc-js and run it on revm (pyrevm), for the L1 tests.

solc comes from ``tools/node/package.json`` (npm package ``solc``, exact
version pinned there) and is driven through standard JSON with the EVM
version pinned, because solc-js otherwise targets its newest EVM. pyrevm
runs the same hard fork. Calls use a fixed gas limit: gas estimation
under-reports for verifiers that return false when a precompile fails,
since a failing precompile call consumes all the gas it was given.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass

import pytest
from .node import NODE_MODULES

EVM_VERSION = "cancun"
SOLC = NODE_MODULES / "solc"
CALL_GAS = 2_000_000
DEPLOYER = "0x" + "11" * 20

_COMPILE = "process.stdout.write(require(process.argv[1]).compile(require('fs').readFileSync(0, 'utf8')))"


def missing_reason() -> str | None:
    """Why Solidity cannot be compiled and run here, or None."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not SOLC.exists():
        return "solc not installed under tools/node (run `npm install --prefix tools/node`)"
    try:
        import pyrevm  # noqa: F401
    except ImportError:
        return "pyrevm is not installed (pip install pyrevm)"
    return None


requires_evm = pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or "")


def compile_contract(source: str, name: str) -> bytes:
    """Creation bytecode of contract ``name``; fails the test on any compiler error."""
    request = {
        "language": "Solidity",
        "sources": {"Contract.sol": {"content": source}},
        "settings": {
            "optimizer": {"enabled": True, "runs": 200},
            "evmVersion": EVM_VERSION,
            "outputSelection": {"*": {"*": ["evm.bytecode.object"]}},
        },
    }
    result = subprocess.run(
        ["node", "-e", _COMPILE, str(SOLC)], input=json.dumps(request), capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    assert not errors, "\n".join(errors)
    return bytes.fromhex(output["contracts"]["Contract.sol"][name]["evm"]["bytecode"]["object"])


@dataclass(frozen=True)
class CallResult:
    """What a transaction to the contract returned and the gasUsed its receipt would show."""

    success: bool
    output: bytes
    gas_used: int

    @property
    def returned_true(self) -> bool:
        return self.success and self.output == (1).to_bytes(32, "big")


class Chain:
    """One in-process revm with one deployed contract."""

    def __init__(self, creation_code: bytes) -> None:
        from pyrevm import EVM

        self.evm = EVM(spec_id=EVM_VERSION.upper())
        self.evm.set_balance(DEPLOYER, 10**21)
        self.address = self.evm.deploy(DEPLOYER, creation_code, gas=10_000_000)

    def call(self, calldata: bytes) -> CallResult:
        """A transaction with a fixed gas limit; a revert is a result, not an exception."""
        try:
            output = bytes(self.evm.message_call(DEPLOYER, self.address, calldata, gas=CALL_GAS))
        except RuntimeError:
            output = b""
        result = self.evm.result
        return CallResult(success=result.is_success, output=output, gas_used=result.gas_used)
