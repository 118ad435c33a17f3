"""A network namespace of the harness's own, with only its loopback up, removed however the run ends.

The emulated WAN runs inside it so that its relays, gateway and provers see
no other interface and cannot reach or disturb the machine's other loopback
services (another engineer's Ray, say). The name carries this process's pid,
so concurrent harnesses never share one. Leaving the ``with`` block, an error,
a timeout or the interpreter's exit (``atexit``) kills what runs inside (the
commands it started, and any process they left in the namespace, by pid) and
deletes the namespace.

Ray inside such a namespace cannot find an address "via external
connectivity" (there is no route out) and falls back to resolving the host
name; :data:`RAY_NODE_IP` is the one address it should use, and
:func:`ray_node_ip_problem` says when the fallback would pick another.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys

RAY_NODE_IP = "127.0.0.1"
"""Pass as ``ray.init(_node_ip_address=...)`` inside a namespace: its only interface is loopback."""

_LIVE: dict[str, Namespace] = {}
_COUNT = itertools.count()


class NamespaceError(RuntimeError):
    """The namespace could not be made, a command in it failed, or it ran past its time."""


def _ip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)


def unavailable_reason(probe: bool = True) -> str | None:
    """Why no namespace can be made here, in words, or None if it can (``probe``: by making one)."""
    if os.geteuid() != 0:
        return f"network namespaces need root (this process runs as uid {os.geteuid()})"
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is not installed"
    if probe:
        name = f"zkwan-probe-{os.getpid()}-{next(_COUNT)}"
        made = _ip("netns", "add", name)
        if made.returncode != 0:
            return f"`ip netns add` failed: {made.stderr.strip() or made.returncode}"
        _ip("netns", "delete", name)
    return None


def ray_node_ip_problem() -> str | None:
    """Inside a namespace: why Ray's own choice of node address would fail, or None."""
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError as error:
        return f"the host name does not resolve ({error}); pass _node_ip_address={RAY_NODE_IP!r}"
    if not address.startswith("127."):
        return f"the host name resolves to {address}, absent here; pass _node_ip_address={RAY_NODE_IP!r}"
    return None


class Namespace:
    """``with Namespace() as ns: ns.run([...], timeout_s=...)``: commands in a fresh namespace."""

    def __init__(self, prefix: str = "zkwan") -> None:
        self.name = f"{prefix}-{os.getpid()}-{next(_COUNT)}"
        self._procs: list[subprocess.Popen] = []

    def __enter__(self) -> Namespace:
        reason = unavailable_reason(probe=False)
        if reason:
            raise NamespaceError(f"cannot create a network namespace: {reason}")
        made = _ip("netns", "add", self.name)
        if made.returncode != 0:
            raise NamespaceError(f"cannot create network namespace {self.name}: {made.stderr.strip()}")
        _LIVE[self.name] = self
        up = _ip("-n", self.name, "link", "set", "lo", "up")
        if up.returncode != 0:
            self.close()
            raise NamespaceError(f"cannot bring up loopback in {self.name}: {up.stderr.strip()}")
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` as run inside the namespace."""
        return ["ip", "netns", "exec", self.name, *argv]

    def popen(self, argv: list[str], **options) -> subprocess.Popen:
        """Start ``argv`` inside, in a process group of its own (so it can be ended with all it spawned)."""
        if self.name not in _LIVE:
            raise NamespaceError(f"namespace {self.name} is not open")
        process = subprocess.Popen(self.command(argv), start_new_session=True, **options)
        self._procs.append(process)
        return process

    def run(self, argv: list[str], timeout_s: float, check: bool = True, **options) -> subprocess.CompletedProcess:
        """Run ``argv`` inside to its end, capturing text output; past ``timeout_s`` it is killed and this raises."""
        process = self.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)
        try:
            out, err = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            _end(process)
            raise NamespaceError(f"{argv[0]} in namespace {self.name} timed out after {timeout_s:g} s") from None
        if check and process.returncode != 0:
            tail = err.strip().splitlines()[-5:]
            raise NamespaceError(f"{' '.join(argv[:3])} in namespace {self.name} exited {process.returncode}: "
                                 + " | ".join(tail))
        return subprocess.CompletedProcess(argv, process.returncode, out, err)

    def python(self, module: str, args: list[str], timeout_s: float, **options) -> subprocess.CompletedProcess:
        """Run ``python -m module args`` inside with this interpreter (see :meth:`run`)."""
        return self.run([sys.executable, "-m", module, *args], timeout_s, **options)

    def close(self) -> None:
        """End what was started inside (our commands, then any process still in the namespace) and delete it."""
        for process in self._procs:
            _end(process)
        self._procs.clear()
        if self.name not in _LIVE:
            return
        listed = _ip("netns", "pids", self.name)
        for pid in listed.stdout.split() if listed.returncode == 0 else ():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        _ip("netns", "delete", self.name)
        del _LIVE[self.name]


def _end(process: subprocess.Popen) -> None:
    """Terminate ``process``'s group, then kill it if it has not ended within 5 s."""
    if process.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 5), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


@atexit.register
def _remove_all() -> None:
    for namespace in list(_LIVE.values()):
        namespace.close()


def namespaces() -> set[str]:
    """The names of the network namespaces that exist now (``ip netns list``)."""
    listed = _ip("netns", "list")
    return {line.split()[0] for line in listed.stdout.splitlines() if line.strip()}
