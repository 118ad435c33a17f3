"""``python -m zkprove``: the ``zkprove`` command."""

from zkprove.cli import app

app(prog_name="zkprove")
