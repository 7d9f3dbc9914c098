"""Audit: the append-only log of reads of personal data, and the change history viewer."""
