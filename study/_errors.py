"""The study errors: each is a ValueError with one line, so the CLI exits 2."""


class SpecError(ValueError):
    """A bad study spec; the message names the key path (``space.lr.low ...``)."""


class StorageError(ValueError):
    """A storage URL that cannot be used: bad form, missing driver, unreachable, no study."""


class TrialFailed(ValueError):
    """A trial that ran but has no objective value; its record says why."""
