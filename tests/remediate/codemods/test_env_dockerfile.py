"""env-line on Dockerfiles: where the ENV goes, what is left alone, refusals."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.codemods.env_dockerfile import env_values, instructions

ENV = codemod("env-line")
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"


def add(source: str, **env: str) -> str:
    return ENV.apply(source, params={"env": env, "path": "Dockerfile"}).source


MULTI_STAGE = """\
# syntax=docker/dockerfile:1
FROM python:3.11 AS build
ENV PIP_NO_CACHE_DIR=1
RUN pip install --prefix=/install app && \\
    echo done

FROM python:3.11-slim AS final
# runtime
COPY --from=build /install /usr/local
ENV PYTHONUNBUFFERED=1 \\
    APP_HOME=/app
RUN <<EOF
ENV NOT_AN_INSTRUCTION=1
FROM nothing
EOF
CMD ["app"]
"""


def test_after_the_last_env_of_the_final_stage() -> None:
    env = {"LD_PRELOAD": JEMALLOC, "MALLOC_ARENA_MAX": "2"}
    result = ENV.apply(MULTI_STAGE, params={"env": env, "path": "Dockerfile"})
    assert result.source == MULTI_STAGE.replace(
        "    APP_HOME=/app\n",
        f"    APP_HOME=/app\nENV LD_PRELOAD={JEMALLOC}\nENV MALLOC_ARENA_MAX=2\n",
    )
    assert result.sites == 2 and "final stage" in result.summary


def test_after_the_from_when_the_stage_has_no_env() -> None:
    source = 'FROM base AS a\nENV X=1\n\nfrom python:3.11\nrun true\ncmd ["x"]\n'
    assert add(source, MALLOC_ARENA_MAX="2") == (
        'FROM base AS a\nENV X=1\n\nfrom python:3.11\nenv MALLOC_ARENA_MAX=2\nrun true\ncmd ["x"]\n'
    )


def test_values_that_need_quotes_are_quoted_and_read_back_the_same() -> None:
    value = 'a b "c" $HOME \\ end'
    text = add("FROM x\n", WEIRD=value)
    line = text.splitlines()[1]
    assert line.startswith("ENV WEIRD=")
    assert env_values(line.removeprefix("ENV ")) == {"WEIRD": value}


@pytest.mark.parametrize(
    ("args", "values"),
    [
        ("A=1 B=2", {"A": "1", "B": "2"}),
        ("A=\"x y\" B='$z'", {"A": "x y", "B": "$z"}),
        ("A=x\\ y", {"A": "x y"}),
        ('A="\\$HOME \\n"', {"A": "$HOME \\n"}),
        ("NAME John Doe", {"NAME": "John Doe"}),
        ('A="open', None),
    ],
)
def test_env_lines_are_read_like_docker_reads_them(args: str, values: dict | None) -> None:
    assert env_values(args) == values


def test_only_lines_are_added_everything_else_is_identical() -> None:
    after = add(MULTI_STAGE, MALLOC_ARENA_MAX="2")
    before_lines, after_lines = MULTI_STAGE.splitlines(), after.splitlines()
    added = [line for line in after_lines if line not in before_lines]
    assert added == ["ENV MALLOC_ARENA_MAX=2"]
    assert [line for line in after_lines if line not in added] == before_lines
    kinds = [(i.keyword, i.args) for i in instructions(after.splitlines(keepends=True))]
    assert kinds.count(("ENV", "MALLOC_ARENA_MAX=2")) == 1
    assert [k for k, _ in kinds] == [
        "FROM",
        "ENV",
        "RUN",
        "FROM",
        "COPY",
        "ENV",
        "ENV",
        "RUN",
        "CMD",
    ]


def test_crlf_and_a_missing_final_newline_are_kept() -> None:
    assert add("FROM x\r\nCMD y", A="1") == "FROM x\r\nENV A=1\r\nCMD y"
    assert add("FROM x", A="1") == "FROM x\nENV A=1\n"


def test_backtick_escape_directive() -> None:
    source = "# escape=`\nFROM x\nRUN a `\n  b\n"
    assert add(source, A="1 2") == '# escape=`\nFROM x\nENV A="1 2"\nRUN a `\n  b\n'


def test_same_value_already_set_is_nothing_to_do() -> None:
    source = "FROM x AS base\nENV MALLOC_ARENA_MAX=2\nFROM base\nCMD y\n"
    result = ENV.apply(source, params={"env": {"MALLOC_ARENA_MAX": "2"}, "path": "Dockerfile"})
    assert result.source == source and not result.changed and "already set" in result.summary


@pytest.mark.parametrize(
    "source",
    [
        "FROM x\nENV MALLOC_ARENA_MAX=4\n",
        "FROM x\nENV MALLOC_ARENA_MAX 4\n",  # the legacy form
        "FROM x AS base\nENV MALLOC_ARENA_MAX=4\nFROM base\nCMD y\n",  # inherited
        'FROM x\nENV A="unterminated\n',
        "# no FROM at all\nRUN x\n",
    ],
)
def test_refusals_leave_the_text_byte_identical(source: str) -> None:
    result = ENV.apply(source, params={"env": {"MALLOC_ARENA_MAX": "2"}, "path": "Dockerfile"})
    assert result.source == source and not result.changed and result.sites == 0


def test_a_different_value_is_named_in_the_summary() -> None:
    result = ENV.apply(
        "FROM x\nENV MALLOC_ARENA_MAX=4\n",
        params={"env": {"MALLOC_ARENA_MAX": "2", "OTHER": "1"}, "path": "Dockerfile"},
    )
    assert "MALLOC_ARENA_MAX is already '4'" in result.summary and not result.changed


def test_an_unrelated_earlier_stage_does_not_count() -> None:
    source = "FROM x AS build\nENV MALLOC_ARENA_MAX=4\nFROM y\nCMD z\n"
    expected = source.replace("FROM y\n", "FROM y\nENV MALLOC_ARENA_MAX=2\n")
    assert add(source, MALLOC_ARENA_MAX="2") == expected
