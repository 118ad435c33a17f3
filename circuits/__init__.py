"""State-transition circuits written in the zkprove DSL, each with a plain-Python reference model."""
