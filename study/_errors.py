"""The study errors: each is a ValueError with one line, so the CLI exits 2."""


class SpecError(ValueError):
    """A bad study spec; the message names the key path (``space.lr.low ...``)."""


class StorageError(ValueError):
    """A storage URL that cannot be used: bad form, missing driver, unreachable, no study."""


class StorageFailed(StorageError):
    """A storage failing mid-run for a while (a server gone, a file locked), told without
    what to do next: the command around the run adds that (`storage_errors`' ``after``),
    as only it knows whether the same command resumes the study or runs it afresh."""


class StorageAbsent(StorageError):
    """No storage at the path, or no study of the name in it: nothing there, where other
    StorageErrors say what is there cannot be used (a name that is no spec may be a study's
    only in the second case)."""


class StudyDeleted(StorageError):
    """The study was deleted from its storage while a run used it: a pool worker's says so
    in the storage as it got it (absolute), which the run around it says again as given."""


class TrialFailed(ValueError):
    """A trial that ran but has no objective value; its record says why."""
