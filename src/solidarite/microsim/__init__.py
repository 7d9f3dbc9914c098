"""Microsimulation: populations (synthetic or imported), scenarios and costing. Pure library,
no Django; it evaluates schemes through `solidarite.rules`."""
