"""What can go wrong talking to GitHub. Every message names the request or the board, and never the token."""

from tasks.errors import PipelineError


class GitHubError(PipelineError):
    """Base of every GitHub failure."""


class GitHubAuthError(GitHubError):
    """The token was rejected (401)."""


class GitHubNotFound(GitHubError):
    """A board, owner or endpoint that does not exist (or that the token cannot see)."""


class GitHubQueryError(GitHubError):
    """GitHub refused the query itself (validation, pagination limits): a bug or a schema change, not a blip."""


class GitHubURLRefused(GitHubError):
    """The GraphQL URL is not one the token may be sent to."""


class GitHubFieldMissing(GitHubError):
    """A configured field is not on the board."""


class GitHubRateLimited(GitHubError):
    """The rate budget is spent and resets later than we are allowed to wait."""

    retryable = True


class GitHubUnavailable(GitHubError):
    """GitHub kept failing (5xx, connection errors, secondary limits) after every retry."""

    retryable = True


class GitHubMalformedResponse(GitHubError):
    """The answer was not GraphQL JSON."""

    retryable = True
