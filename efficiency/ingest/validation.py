"""Re-export of :mod:`efficiency.base.validation` (the old import path keeps working)."""

from efficiency.base.validation import MAX_DEPTH, IngestModel, input_error, parse_jsonl

__all__ = ["MAX_DEPTH", "IngestModel", "input_error", "parse_jsonl"]
