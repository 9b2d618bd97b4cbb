"""Warehouse stage: connecting, migrating, loading history, and the metric views."""
