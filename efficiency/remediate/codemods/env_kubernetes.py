"""``env:`` entries in every container of a Kubernetes manifest's workloads (for ``env-line``).

The file is edited as text, guided by a YAML parse (node positions), so comments and layout
elsewhere stay exactly as they were: new ``- name/value`` items go after the last item of a
container's block-style ``env:``, or a new ``env:`` key goes after the container's last key,
indented like the file's own ``containers:`` list. Afterwards the new text is parsed again and
must equal the old documents with only those entries added; otherwise nothing is changed.
Flow-style (``{...}``/``[...]``) containers or ``env`` lists are refused, as is a variable
already set to another value (or from ``valueFrom``).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import yaml

from efficiency.remediate.codemods.base import CodemodResult, plural
from efficiency.remediate.codemods.textlines import insert_lines

NAME = "env-line"
#: workload kind → the keys from the document to its pod spec
POD_SPEC = {
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Pod": ("spec",),
}


class Refused(Exception):
    pass


@dataclass
class _Edit:
    document: int
    path: tuple[str, ...]
    container: int
    label: str
    at: int  # line index to insert before
    lines: list[str]
    added: dict[str, str]


def _get(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value
    return None


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _after(node: yaml.Node) -> int:
    """The line index just after ``node``'s last character of content."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    mark = node.end_mark
    return mark.line if mark.column == 0 else mark.line + 1


def _dash_column(lines: list[str], item: yaml.Node) -> int:
    line = lines[item.start_mark.line][: item.start_mark.column].rstrip()
    if not line.endswith("-"):
        raise Refused("a list item is not in block style")
    return len(line) - 1


def _items(dash: int, key: int, env: dict[str, str]) -> list[str]:
    out = []
    for name, value in env.items():
        out.append(" " * dash + "-" + " " * (key - dash - 1) + f"name: {name}")
        out.append(" " * key + f"value: {json.dumps(value)}")
    return out


def _container_edit(
    lines: list[str], container: yaml.Node, containers: yaml.Node, env: dict[str, str], label: str
) -> tuple[int, list[str], dict[str, str]] | None:
    if not isinstance(container, yaml.MappingNode) or container.flow_style:
        raise Refused(f"{label} is not a block-style mapping")
    existing = _get(container, "env")
    current: dict[str, str | None] = {}
    if existing is not None:
        if not isinstance(existing, yaml.SequenceNode) or existing.flow_style:
            raise Refused(f"{label} has an env that is not a block-style list")
        for item in existing.value:
            name = _scalar(_get(item, "name"))
            if name is not None:
                current[name] = (
                    _scalar(_get(item, "value")) if _get(item, "valueFrom") is None else None
                )
    conflicts = [
        f"{k} is already {'from valueFrom' if current[k] is None else repr(current[k])} in {label}"
        for k in env
        if k in current and current[k] != env[k]
    ]
    if conflicts:
        raise Refused("; ".join(conflicts))
    wanted = {k: v for k, v in env.items() if k not in current}
    if not wanted:
        return None
    if existing is not None and existing.value:
        last = existing.value[-1]
        dash = _dash_column(lines, last)
        return _after(existing), _items(dash, last.start_mark.column, wanted), wanted
    if existing is not None:
        raise Refused(f"{label} has an empty env")
    key = container.start_mark.column
    offset = _dash_column(lines, containers.value[0]) - _key_column(lines, containers)
    body = _items(key + offset, key + offset + 2, wanted)
    return _after(container), [" " * key + "env:", *body], wanted


def _key_column(lines: list[str], sequence: yaml.Node) -> int:
    """The column of the key that holds ``sequence`` (``containers:``)."""
    for index in range(sequence.start_mark.line, -1, -1):
        line = lines[index]
        stripped = line.lstrip()
        if stripped.startswith("containers:"):
            return len(line) - len(stripped)
    raise Refused("cannot find the containers: key")


def _plan(source: str, env: dict[str, str]) -> list[_Edit]:
    lines = source.splitlines()
    edits = []
    for number, document in enumerate(yaml.compose_all(source, Loader=yaml.SafeLoader)):
        kind = _scalar(_get(document, "kind")) if document is not None else None
        if kind not in POD_SPEC:
            continue
        name = _scalar(_get(_get(document, "metadata"), "name")) or "?"
        spec: yaml.Node | None = document
        for key in POD_SPEC[kind]:
            spec = _get(spec, key) if spec is not None else None
        containers = _get(spec, "containers") if spec is not None else None
        if containers is None:
            continue
        if not isinstance(containers, yaml.SequenceNode) or containers.flow_style:
            raise Refused(f"{kind}/{name}: containers is not a block-style list")
        for index, container in enumerate(containers.value):
            cname = _scalar(_get(container, "name")) or str(index)
            label = f"{kind}/{name} container {cname}"
            found = _container_edit(lines, container, containers, env, label)
            if found is not None:
                at, new, added = found
                edits.append(
                    _Edit(number, (*POD_SPEC[kind], "containers"), index, label, at, new, added)
                )
    return edits


def _expected(source: str, edits: list[_Edit]) -> list[Any]:
    documents = copy.deepcopy(list(yaml.safe_load_all(source)))
    for edit in edits:
        node = documents[edit.document]
        for key in edit.path:
            node = node[key]
        container = node[edit.container]
        container.setdefault("env", [])
        container["env"] += [{"name": k, "value": v} for k, v in edit.added.items()]
    return documents


def add_env(source: str, env: dict[str, str]) -> CodemodResult:
    try:
        edits = _plan(source, env)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0]
        return CodemodResult.unchanged(source, f"{NAME}: not plain YAML ({first}); nothing changed")
    except Refused as exc:
        return CodemodResult.unchanged(source, f"{NAME}: {exc}; nothing changed")
    if not edits:
        return CodemodResult.unchanged(
            source, f"{NAME}: no workload container lacks {', '.join(env)}; nothing to do"
        )
    text = insert_lines(source, [(e.at, e.lines) for e in edits])
    try:
        same = list(yaml.safe_load_all(text)) == _expected(source, edits)
    except yaml.YAMLError:
        same = False
    if not same:
        return CodemodResult.unchanged(
            source, f"{NAME}: could not add the env entries without changing anything else"
        )
    shown = ", ".join(f"{k}={v}" for k, v in env.items())
    where = ", ".join(e.label for e in edits)
    return CodemodResult(
        source=text,
        changed=True,
        summary=f"set {shown} in the env of {plural(len(edits), 'container')} ({where})",
        sites=len(edits),
    )
