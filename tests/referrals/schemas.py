"""The published payload schemas (schemas/*.json), for checking what leaves for partner systems."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@cache
def validator_for(schema_id: str) -> Draft202012Validator:
    """``caseworker-request/3`` is schemas/caseworker-request.v3.json."""
    name, version = schema_id.split("/")
    schema = json.loads((SCHEMAS / f"{name}.v{version}.json").read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == schema_id
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_matches_schema(payload: dict[str, Any]) -> None:
    errors = sorted(validator_for(payload["schema"]).iter_errors(payload), key=lambda error: list(error.path))
    assert not errors, [f"{list(error.path)}: {error.message}" for error in errors]
