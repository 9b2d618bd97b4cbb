"""Transformation stage: raw GraphQL pages to tidy Polars frames. Pure functions: no network, disk or clock."""
