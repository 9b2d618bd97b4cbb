"""The one base of every failure the pipeline knows about.

Stages subclass `PipelineError`; retries (tasks/retries.py) and the command line (flows/cli.py) read its two
flags instead of importing each stage's errors, so importing one stage never loads another.
"""


class PipelineError(RuntimeError):
    """A failure whose message is the whole story for a user.

    `retryable`: another attempt can help (a blip), as opposed to a mistake that fails the same way every time.
    `user_facing`: the command line prints the message as one paragraph, without a traceback.
    """

    retryable = False
    user_facing = True

    def __init__(self, *args) -> None:  # the message never carries a secret, whatever it quotes (tasks/redaction.py)
        from tasks.redaction import scrub

        super().__init__(*(scrub(arg) if isinstance(arg, str) else arg for arg in args))
