"""Records that one stage hands to another, kept here so that no stage imports another to know their shape."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownIssue:
    """The last stored observation of an issue, as far as deciding what extraction must re-read needs it.
    Written by the warehouse (github.issues), read by extraction."""

    updated_at: str
    sub_issues_total: int
    sub_issues_completed: int
