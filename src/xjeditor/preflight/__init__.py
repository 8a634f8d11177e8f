"""Preflight: the checks a printing plant would make, run before export."""
