"""env-line: choosing the file kind and checking the parameters."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.codemods.env_line import language_of

ENV = codemod("env-line")


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("Dockerfile", "dockerfile"),
        ("deploy/Dockerfile.gpu", "dockerfile"),
        ("api.Dockerfile", "dockerfile"),
        ("Containerfile", "dockerfile"),
        ("/etc/systemd/system/api.service", "systemd"),
        ("k8s/deploy.yaml", "kubernetes"),
        ("k8s/deploy.yml", "kubernetes"),
    ],
)
def test_language_from_the_file_name(path: str, language: str) -> None:
    assert language_of(path, "") == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("FROM python:3.11\n", "dockerfile"),
        ("[Unit]\n[Service]\nExecStart=/bin/true\n", "systemd"),
        ("apiVersion: v1\nkind: Pod\n", "kubernetes"),
        ("hello\n", None),
    ],
)
def test_language_from_the_text_when_no_name(text: str, language: str | None) -> None:
    assert language_of(None, text) == language


def test_an_explicit_language_wins() -> None:
    text = "FROM x\n"
    result = ENV.apply(text, params={"env": {"A": "1"}, "language": "dockerfile", "path": "a.yaml"})
    assert result.source == "FROM x\nENV A=1\n"


def test_unknown_kind_changes_nothing_and_says_so() -> None:
    result = ENV.apply("hello\n", params={"env": {"A": "1"}})
    assert not result.changed and result.source == "hello\n"
    assert "params['path']" in result.summary


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"env": {}},
        {"env": {"1BAD": "x"}},
        {"env": {"A B": "x"}},
        {"env": {"A": True}},
        {"env": {"A": None}},
        {"env": {"A": "1"}, "language": "nginx"},
    ],
)
def test_bad_parameters_are_value_errors(params: dict) -> None:
    with pytest.raises(ValueError):
        ENV.apply("FROM x\n", params=params)


def test_numbers_become_strings_and_function_is_ignored() -> None:
    result = ENV.apply("FROM x\n", function="main", params={"env": {"MALLOC_ARENA_MAX": 2}})
    assert result.source == "FROM x\nENV MALLOC_ARENA_MAX=2\n"
