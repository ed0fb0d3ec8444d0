"""Schemathesis over the whole API, against a real server on loopback, on both backends:
generated valid and invalid requests for every operation in the OpenAPI document; no answer
may be a 500, and every answer must be one the document declares, in its declared shape.
Bounded for CI (a few examples per operation)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from efficiency.config import Config
from efficiency.store.db import Database
from tests.conftest import postgres_database
from tests.ingest.conftest import ApiServer, run_server

#: examples per operation, mode and backend: 13 operations x 2 x 2 stay within ~30 s in CI;
#: EFFICIENCY_SCHEMATHESIS_EXAMPLES=500 for a long run by hand
EXAMPLES = int(os.environ.get("EFFICIENCY_SCHEMATHESIS_EXAMPLES", "12"))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def live_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiServer]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("schemathesis") / "efficiency.db"
        database = Database(f"sqlite:///{path}")
        database.upgrade()
        yield from run_server(Config(), database)
        database.dispose()
    else:
        for database in postgres_database():
            yield from run_server(Config(), database)


CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]  # fmt: skip


@pytest.mark.parametrize("mode", list(GenerationMode))
def test_no_500_and_only_documented_answers(live_api: ApiServer, mode: GenerationMode) -> None:
    """Valid (positive) and schema-violating (negative) requests for every operation."""
    schema = schemathesis.openapi.from_url(f"{live_api.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13  # every route of the API
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def exercise(case: schemathesis.Case) -> None:
            response = case.call(timeout=30)
            case.validate_response(response, checks=CHECKS)

        try:
            exercise()
        except Unsatisfiable:  # nothing to get wrong: an operation without any input
            raw = operation.definition.raw
            assert mode is GenerationMode.NEGATIVE and not raw.get("parameters"), operation
            assert not raw.get("requestBody"), operation
