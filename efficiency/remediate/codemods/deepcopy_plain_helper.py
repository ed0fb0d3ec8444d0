"""The helper the ``deepcopy-plain`` codemod copies into a module (this file's one function,
renamed when its name is taken, and the line binding the function it makes).

Its source travels into other people's code: it imports what it needs inside itself (the
builtins too: the module may bind ``id``, ``list`` or ``type`` to something else), is
not annotated (a type checker then leaves its body alone, as it is not the project's code, and
types the rewritten calls as ``Any``, as it types ``copy.deepcopy``'s) and must run on any
Python 3 that ``copy`` behaves the same on.
What it mirrors of ``copy.deepcopy`` (CPython 3.8 to 3.13) is stated where it does so.
"""


def _make_deepcopy_plain():  # untyped: checkers skip it, its calls type as Any
    """A function ``f(named, x)`` that returns what ``named(x)`` returns, faster: ``named`` is
    what the rewritten call named, looked up there as before (``copy.deepcopy`` or the
    module's ``deepcopy``), and the call is ``named(x)`` unless it is the standard library's
    deepcopy (so a patch or mock of it still runs).

    Exact dicts, lists and tuples, the atomic values int, float, bool, complex, str, bytes and
    None, and instances of plain classes are copied here as copy.deepcopy copies them: the
    same new objects sharing what the original shares, the same memo entries in the same
    order, the same objects kept alive in it, an all-atomic tuple returned as itself. Anything
    else goes to copy.deepcopy with the same memo. A plain class is one for which copy would
    take object.__reduce_ex__(4): a new object whose __dict__ is updated with a deep copy of
    the instance's __dict__ (none when it is empty); no __deepcopy__, __getstate__,
    __setstate__, reduce or getnewargs hook, __getattr__, __new__ or __slots__ in its classes,
    no copy or copyreg entry, no builtin base, the layout of a class statement with no slots,
    the __dict__ descriptor its class statement made, an exact dict as the instance's
    __dict__ and none of those hooks in it. Each class is judged once per call.
    Assumed, as checking would cost the speed: copy's dispatch for the types above is still
    its own (checked when the helper is made) and its private functions are not replaced;
    no code that runs during the copy (a hook in the data, a metaclass or dict key __hash__,
    a finalizer) changes a class's copy hooks, copy's or copyreg's tables, or has an effect
    that depends on how often a class is hashed (the helper hashes classes more often); no
    __deepcopy__ hook writes a memo entry for an atomic value. It takes one frame per level
    of nesting where copy takes two: data so deep that copy.deepcopy raises RecursionError
    may copy. Inserted by efficiency (deepcopy-plain).
    """
    import copy
    import copyreg
    import os
    from builtins import (  # noqa: UP029 (the module may bind these names to its own)
        all,
        bool,
        bytes,
        complex,
        dict,
        float,
        frozenset,
        getattr,
        id,
        int,
        len,
        list,
        map,
        object,
        str,
        tuple,
        type,
        vars,
    )
    from operator import is_

    atomic = frozenset({type(None), bool, int, float, complex, str, bytes})
    copy_hooks = {"__deepcopy__", "__reduce_ex__", "__reduce__", "__getstate__", "__setstate__"}
    new_hooks = {"__getnewargs__", "__getnewargs_ex__", "__new__", "__slots__"}
    hooks = frozenset({*copy_hooks, *new_hooks, "__getattr__", "__getattribute__"})
    missing = object()
    kinds = (*atomic, dict, list, tuple)
    genuine = copy.deepcopy
    table = getattr(copy, "_deepcopy_dispatch", None)
    copiers = tuple(map(table.get, kinds)) if type(table) is dict else ()
    own = vars(copy)
    where = [getattr(m, "__file__", None) for m in (copy, os)]
    if (
        None in where
        or len(copiers) != len(kinds)
        or os.path.dirname(where[0]) != os.path.dirname(where[1])
        or not all(getattr(f, "__globals__", None) is own for f in (genuine, *copiers))
    ):
        genuine = missing  # not the standard library's copy: every call is named(x)

    def layout(cls):
        return cls.__basicsize__, cls.__itemsize__, cls.__dictoffset__, cls.__weakrefoffset__

    reference = type("Plain", (), {})  # what a class statement makes
    getset, plain_layout = type(vars(reference)["__dict__"]), layout(reference)
    del reference  # not kept among object.__subclasses__() once collected

    def is_plain(cls):
        dispatch = getattr(copy, "_deepcopy_dispatch", None)
        registered = getattr(copy, "dispatch_table", None)  # copy's name for copyreg's table
        if type(cls) is not type or type(dispatch) is not dict or type(registered) is not dict:
            return False
        if cls in dispatch or cls in registered or layout(cls) != plain_layout:
            return False
        described = False
        for base in cls.__mro__[:-1]:
            attrs = vars(base)
            if not base.__flags__ & 512 or not hooks.isdisjoint(attrs):  # 512: a heap type
                return False
            if "__dict__" in attrs:  # the descriptor a class statement makes, for this class
                descriptor = attrs["__dict__"]
                if type(descriptor) is not getset or descriptor.__objclass__ is not base:
                    return False
                described = True
        names = vars(cls).get("__slotnames__", missing)
        if names is missing:  # as reducing an instance would: copyreg caches them on cls
            names = copyreg._slotnames(cls)
        return described and (names is None or (type(names) is list and not names))

    def copy_(x, memo, plain):
        """deepcopy(x, memo); ``plain``: is_plain's answers in this call."""
        cls = type(x)
        if cls in atomic:
            return x
        key = id(x)
        y = memo.get(key, missing)
        if y is not missing:
            return y
        if cls is dict:
            y = {}
            memo[key] = y
            for k, v in x.items():  # the value first, then the key, as copy does
                y[k if type(k) in atomic else copy_(k, memo, plain)] = (
                    v if type(v) in atomic else copy_(v, memo, plain)
                )
        elif cls is list:
            y = []
            memo[key] = y
            append = y.append
            for v in x:
                append(v if type(v) in atomic else copy_(v, memo, plain))
        elif cls is tuple:
            y = [v if type(v) in atomic else copy_(v, memo, plain) for v in x]
            found = memo.get(key, missing)  # a cycle through the tuple copied it meanwhile
            if found is not missing:
                y = found
            elif all(map(is_, x, y)):
                return x
            else:
                y = tuple(y)
        else:
            answer = plain.get(cls)
            if answer is None:
                answer = plain[cls] = is_plain(cls)
            state = x.__dict__ if answer else None
            if (
                type(state) is not dict
                or "__deepcopy__" in state
                or "__reduce_ex__" in state
                or "__getstate__" in state
            ):
                return genuine(x, memo)
            y = object.__new__(cls)
            memo[key] = y
            if state:
                y.__dict__.update(copy_(state, memo, plain))
        if y is not x:
            memo[key] = y
            kept = memo.get(id(memo), missing)  # keep x alive while the memo holds its id
            if kept is missing:
                memo[id(memo)] = [x]
            else:
                kept.append(x)
        return y

    def deepcopy_plain(named, x):
        if named is genuine:
            return copy_(x, {}, {})
        return named(x)

    return deepcopy_plain
