"""Accounts and organisations: who works in which organisation, with which role."""
