"""``Decimal(x)`` of a value read from a copy (``deepcopy-read-only``).

Prices and fees kept as strings in a configuration are turned into numbers where they are
read: ``amount += Decimal(cfg["booking_fee"])``. ``decimal.Decimal`` of one argument makes a new
immutable number from a ``str``, ``int``, ``float``, ``Decimal`` or a tuple of digits, reading
its argument without calling any of its methods (anything else raises ``TypeError``), and
keeps nothing of it: a read handed to it is only read, and the call changes nothing, so it
may run while a copy is read. Taken only for ``Decimal`` reached through an import of the
``decimal`` module (``from decimal import Decimal``, ``decimal.Decimal``), with one positional
argument and nothing else (a context argument is some other object, which could be anything).
``fractions.Fraction`` is not taken: it asks ``numbers.Rational`` of its argument, which may run
the argument's class's own code.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from efficiency.remediate.codemods.deepcopy_reads import ReadFollower

_NUMBER_TYPES = frozenset({"decimal.Decimal"})


class NumberReads(ReadFollower):
    """Mixed in before ``ReadFollower``: lets ``Decimal(<read>)`` count as a read, and as a
    call that changes nothing."""

    METADATA_DEPENDENCIES = (*ReadFollower.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def _number(self, call: cst.CSTNode | None) -> bool:
        """Is ``call`` ``Decimal(x)``, with one positional argument?"""
        if not isinstance(call, cst.Call) or len(call.args) != 1:
            return False
        arg = call.args[0]
        if arg.keyword is not None or arg.star:
            return False
        names = self.get_metadata(QualifiedNameProvider, call.func, set())
        return bool(names) and all(q.name in _NUMBER_TYPES for q in names)

    def _returns(self, call: cst.Call) -> cst.BaseExpression | None:
        """``Decimal(x)`` is a number (so ``amount = Decimal(...)`` then ``amount += ...``
        changes nothing in place)."""
        return cst.Name("Decimal") if self._number(call) else super()._returns(call)

    def _pure_call(self, call: cst.Call) -> bool:
        return super()._pure_call(call) or self._number(call)

    def _through_call(
        self, arg: cst.Arg, function: cst.FunctionDef, depth: int, whole: bool
    ) -> str | None:
        if self._number(self.parent(arg)):
            return None  # a new immutable number; nothing of the read is kept
        return super()._through_call(arg, function, depth, whole)
