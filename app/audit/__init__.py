"""Audit log (P1)."""
