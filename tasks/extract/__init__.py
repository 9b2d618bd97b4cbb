"""Extraction stage: GitHub's GraphQL API to raw pages in the landing zone."""
