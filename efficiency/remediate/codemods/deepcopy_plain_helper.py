"""The helper the ``deepcopy-plain`` codemod copies into a module (this file's one function,
renamed when its name is taken, and the line binding the function it makes).

Its source travels into other people's code: it imports what it needs inside itself, is
annotated with builtins only and must run on any Python 3 that ``copy`` behaves the same on.
What it mirrors of ``copy.deepcopy`` (CPython 3.8 to 3.13) is stated where it does so.
"""


def _make_deepcopy_plain() -> object:
    """A function that returns what ``copy.deepcopy(x)`` returns, faster.

    Exact dicts, lists and tuples, the atomic values int, float, bool, complex, str, bytes and
    None, and instances of plain classes are copied here as copy.deepcopy copies them: the
    same new objects sharing what the original shares, the same memo entries in the same
    order, the same objects kept alive in it, an all-atomic tuple returned as itself. Anything
    else goes to copy.deepcopy with the same memo. A plain class is one for which copy would
    take object.__reduce_ex__(4): a new object whose __dict__ is updated with a deep copy of
    the instance's __dict__ (none when it is empty); no __deepcopy__, __getstate__,
    __setstate__, reduce or getnewargs hook, __getattr__, __new__ or __slots__ in its classes,
    no copyreg entry, no builtin base, the layout of a class statement with no slots.
    Assumed: no __deepcopy__ hook elsewhere in the data writes a memo entry for an atomic
    value, and nothing patches copy's functions. It takes one frame per level of nesting where
    copy takes two: data nested so deep that copy.deepcopy raises RecursionError may copy.
    Inserted by efficiency (deepcopy-plain).
    """
    import copy
    import copyreg
    from operator import is_

    atomic = frozenset({type(None), bool, int, float, complex, str, bytes})
    copy_hooks = {"__deepcopy__", "__reduce_ex__", "__reduce__", "__getstate__", "__setstate__"}
    new_hooks = {"__getnewargs__", "__getnewargs_ex__", "__new__", "__slots__"}
    hooks = frozenset({*copy_hooks, *new_hooks, "__getattr__", "__getattribute__"})
    reference = type("Plain", (), {})
    getset = type(vars(reference)["__dict__"])
    missing = object()

    def layout(cls: type) -> tuple:
        return cls.__basicsize__, cls.__itemsize__, cls.__dictoffset__, cls.__weakrefoffset__

    def is_plain(cls: type) -> bool:
        dispatch = getattr(copy, "_deepcopy_dispatch", None)
        if type(cls) is not type or dispatch is None or cls in dispatch:
            return False
        if cls in copyreg.dispatch_table or layout(cls) != layout(reference):
            return False
        for base in cls.__mro__[:-1]:
            own = vars(base)
            if not base.__flags__ & 512 or not hooks.isdisjoint(own):  # 512: a heap type
                return False
            if type(own.get("__dict__", vars(reference)["__dict__"])) is not getset:
                return False
        names = vars(cls).get("__slotnames__", missing)
        if names is missing:  # as reducing an instance would: copyreg caches them on cls
            names = copyreg._slotnames(cls)
        return names is None or (type(names) is list and not names)

    def copy_(x: object, memo: dict, plain: dict) -> object:
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
            if cls not in plain:
                plain[cls] = is_plain(cls)
            state = x.__dict__ if plain[cls] else None
            if (
                state is None
                or "__deepcopy__" in state
                or "__reduce_ex__" in state
                or "__getstate__" in state
            ):
                return copy.deepcopy(x, memo)
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

    def deepcopy_plain(x: object) -> object:
        return copy_(x, {}, {})

    return deepcopy_plain
