"""Tests of the codemods: exact rewrites, same behaviour before and after, refusals."""
