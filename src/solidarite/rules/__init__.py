"""The rules engine: schemes as declarative rules, evaluated for one household or a population.

Pure library, no Django. Public surface: `load_catalog`, `Catalog.evaluate`,
`Catalog.evaluate_population`, `run_test_cases`.
"""
