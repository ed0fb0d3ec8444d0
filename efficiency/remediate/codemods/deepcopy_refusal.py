"""Why a copy must stay (``deepcopy-read-only``).

``CopyJudge`` is the part of the finder that judges one copy once it is found: where it is
made (bound once to a plain local of a function that defines nothing nested, calls no
introspection, catches no failure of the copy itself), what else the function runs (nothing
that could change the original, unless it runs only before the copy or after its last read:
``deepcopy_live``) and, through ``ReadFollower`` (``deepcopy_reads``), where each read of it
goes. It sets ``_types`` and ``_tracked`` for the copy judged. ``deepcopy_read_only`` finds the
copies and rewrites them.
"""

from __future__ import annotations

import functools

import libcst as cst
from libcst.metadata import PositionProvider, ScopeProvider

from efficiency.remediate.codemods.deepcopy_callees import in_place
from efficiency.remediate.codemods.deepcopy_derived import (
    copied_element,
    derived_rebinds,
    listed_type,
)
from efficiency.remediate.codemods.deepcopy_excepts import except_refusals
from efficiency.remediate.codemods.deepcopy_helpers import Helper, builtin_read
from efficiency.remediate.codemods.deepcopy_hooks import hooked_read
from efficiency.remediate.codemods.deepcopy_lambdas import (
    called_lambda,
    lambda_refusal,
    lazy_reads,
)
from efficiency.remediate.codemods.deepcopy_live import LIVE_KINDS, during_reads
from efficiency.remediate.codemods.deepcopy_mutation import mutation
from efficiency.remediate.codemods.deepcopy_numbers import NumberReads
from efficiency.remediate.codemods.deepcopy_owned import owned_store
from efficiency.remediate.codemods.deepcopy_properties import returned_once
from efficiency.remediate.codemods.deepcopy_statics import first_param, method_kind, owner_of
from efficiency.remediate.codemods.deepcopy_types import Types
from efficiency.remediate.codemods.deepcopy_view_checks import catches_copy_failure
from efficiency.remediate.codemods.deepcopy_views import View
from efficiency.remediate.codemods.pysource import (
    COMPREHENSIONS,
    SCOPES,
    calls_introspection,
    declares_global,
    walk,
)


class CopyJudge(NumberReads):
    """Mixed in before ``NumberReads``: why a copy found by the finder must stay, or None."""

    METADATA_DEPENDENCIES = (*NumberReads.METADATA_DEPENDENCIES, ScopeProvider, PositionProvider)

    #: the module being rewritten (set by the finder's ``visit_Module``)
    _module: cst.Module | None

    def _repeated(self, leaving: cst.CSTNode, call: cst.Call) -> bool:
        """May ``leaving`` run more than once for one run of ``call``: inside a loop whose
        body (each turn) does not hold the call too?"""
        if returned_once(leaving, self.ancestors):  # deepcopy_properties
            return False
        around = set(map(id, self.ancestors(call)))
        for loop in self.ancestors(leaving):
            if isinstance(loop, COMPREHENSIONS):
                return True
            if isinstance(loop, cst.For | cst.While) and id(loop.body) not in around:
                return True
        return False

    def _refusal(self, node: cst.Assign | cst.Call, helper: Helper | View | None) -> str | None:
        call = node if isinstance(node, cst.Call) else copied_element(node.value) or node.value
        assert isinstance(call, cst.Call)
        if helper is None and (
            len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star
        ):
            return "deepcopy with a memo or unusual arguments"
        name = ""
        if isinstance(node, cst.Assign):
            if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
                return "the copy is not bound to one plain name"
            name = node.targets[0].target.value
        function = self.scope_of(node)
        if not isinstance(function, cst.FunctionDef):
            return "not inside a function"
        self._guards, self._reached = [], {id(function)}  # deepcopy_methods
        if name and declares_global(function, name):
            return f"{name} is declared global/nonlocal"
        caught = catches_copy_failure(function, call)
        if caught is not None:
            return (
                f"catches {caught} around the copy (deepcopy's own failure, an uncopyable "
                "value, would reach that handler; without the copy nothing fails)"
            )
        if calls_introspection(function):
            return "the function calls locals()/vars()/eval()/exec()"
        assert self._module is not None
        owner = owner_of(function, self.parent)
        if owner is not None:
            first = (
                first_param(function) if method_kind(function, self._bound) != "static" else None
            )
            why = hooked_read(function, owner, first, self._module, self._bound)
            if why is not None:
                return f"the function {why}"
        types = self._types = Types(self._module, function)
        types.shadowed = self._shadowed
        types.math = self._math
        types.returns = self._returns  # deepcopy_methods
        for scope in (n for n in walk(function.body) if isinstance(n, SCOPES)):
            if not isinstance(scope, cst.Lambda):
                return "the function defines a nested function, lambda or class"
            why = lambda_refusal(scope, function, self.parent, types)  # deepcopy_lambdas
            if why is not None:
                return why
        listed = isinstance(node, cst.Assign) and call is not node.value  # [deepcopy(x) ...]
        source = types.type_of(call.args[0].value) if helper is None and not listed else None
        if listed:
            assert isinstance(node, cst.Assign)
            source = listed_type(node.value, types)
        if isinstance(helper, View) and helper.helper.returns is not None:
            source = helper.helper.returns.annotation  # the helper's copy is of its type
        if isinstance(node, cst.Assign):
            if source is not None:
                types.env[name] = source
            scope = self.get_metadata(ScopeProvider, node.targets[0].target, None)
            if scope is None:
                return f"{name} is bound more than once"
            if len(scope[name]) != 1:
                why = derived_rebinds(name, node, len(scope[name]), types)
                if why is not None:
                    return why
        flagged: list[tuple[cst.CSTNode, str]] = []
        # deepcopy_descriptors: a read that may run a property's code, judged as a call is
        # (the arguments of the copy, or of the helper making it, run before it)
        spoiling: list[tuple[cst.CSTNode, str]] = [
            (read, f"the function {why}")
            for read, why in self._descriptor_reads(function, types, tuple(call.args))
        ]
        placed: str | None = None  # ``n += [...]`` on a local that may hold someone's list
        excepts = except_refusals(  # deepcopy_excepts: ``except E as exc`` that hands on nothing
            function, self._module, self._bound, self._shadowed, self.parent
        )
        for other in walk(function.body):
            if other is node:
                continue
            if id(other) in excepts:
                why = excepts[id(other)]
                if why is not None:
                    return why
                continue
            why = mutation(other, call, types)
            placed = placed or (None if why else in_place(other, types))  # deepcopy_callees
            if why is not None and not (
                (
                    isinstance(other, cst.Call)
                    and (
                        builtin_read(other, self._shadowed)
                        or types.snapshot(other, self._shadowed)
                        or self._pure_call(other)  # deepcopy_callees, deepcopy_methods
                        or called_lambda(other, types) is not None  # judged above
                    )
                )
                or self._fresh_store(other)  # deepcopy_dicts
                or owned_store(other, types)  # deepcopy_owned
            ):
                why = self._method_note(other, why)  # deepcopy_methods
                if not isinstance(other, LIVE_KINDS):
                    return why
                flagged.append((other, why))
        if isinstance(node, cst.Assign):
            reads = self._name_read_only(function, name, node.targets[0].target, 0)
        else:
            reads = self._read_only(node, function, 0)
            reads = None if reads is None else f"its value {reads}"
        if reads is None and placed is not None:
            return placed
        if reads is None:  # deepcopy_lambdas: a generator or filter that outlives the reads
            reads = lazy_reads(function, self._tracked, self.parent, self._shadowed)
        if reads is not None or not (flagged or spoiling):
            return flagged[0][1] if flagged else reads
        flagged += spoiling
        span = functools.partial(self.get_metadata, PositionProvider)
        scalar = lambda value: types.scalar(types.type_of(value))  # noqa: E731
        return during_reads(flagged, node, function, self._tracked, self.parent, span, scalar)
