"""What can go wrong in governing a table, as the web maps it: unknown draft 404, wrong state 409, same person 403."""

from __future__ import annotations


class GovernanceError(Exception):
    """Base of the governance errors."""


class UnknownDraft(GovernanceError):
    """No draft with that id for that table."""


class DraftStateConflict(GovernanceError):
    """The draft is not in a state that allows the step (already published, pending, rejected, void)."""


class FourEyesViolation(GovernanceError):
    """The person who published a draft may not also approve it."""
