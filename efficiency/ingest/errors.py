"""Re-export of :mod:`efficiency.base.errors` (the old import path keeps working)."""

from efficiency.base.errors import InputError

__all__ = ["InputError"]
