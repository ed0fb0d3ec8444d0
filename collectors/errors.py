"""What a collector raises when its source cannot be read: one clear, user-facing line."""


class CollectorError(RuntimeError):
    """A source could not be sampled (tool missing, process gone, permission refused)."""
