"""Demo data from the seeds, loaded by `make run` through `solidarite demo load`.

Each part is idempotent: loading twice changes nothing and duplicates nothing.
"""
