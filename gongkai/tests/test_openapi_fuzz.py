"""Schemathesis over the whole /api/v1/openapi.json against the live test server on loopback
(audit F9, outside-tools report §3): every operation, a bounded and seeded number of generated
requests each, with a staff admin's token so the staff operations run as well. A 5xx
(`not_a_server_error`) or a status the OpenAPI does not declare (`status_code_conformance`)
fails. Stateless; runs on SQLite and PostgreSQL alike."""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from gongkai.accounts import services as accounts
from gongkai.accounts.models import Role
from gongkai.accounts.permissions import SYSTEM
from gongkai.conftest import make_document, staff

pytestmark = pytest.mark.security

EXAMPLES = 14  # per operation: the 49 operations stay within about a minute on SQLite


@pytest.fixture
def site(live_server: Any, reference_data: Any, org: Any, settings: Any, tmp_path: Any) -> Any:
    """A published document and a token of the organisation's admin, so lookups can hit."""
    settings.GONGKAI_OPENDATA_DIR = tmp_path / "opendata"
    make_document(org, title="关于公布政务公开目录的通知")
    _, raw = accounts.issue_token(by=SYSTEM, user=staff(org, Role.ADMIN), name="fuzz")
    return {"url": live_server.url, "headers": {"Authorization": f"Bearer {raw}"}}


def test_api_answers_only_what_it_declares(site: Any) -> None:
    """One test over all operations: one database setup instead of one per operation (a flush
    costs seconds on PostgreSQL). Every operation runs; the failures are reported together."""
    # the document the server serves, not the one in this process
    schema = schemathesis.openapi.from_url(f"{site['url']}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 49
    failures = []
    for operation in operations:
        # valid requests and invalid ones (wrong types, out of bounds, missing fields)
        cases = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
            GenerationMode.NEGATIVE
        )

        @given(case=cases)
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,  # the same cases on every run: a failure reproduces
            deadline=None,
            database=None,  # no .hypothesis folder: the run depends on nothing but the code
            phases=[Phase.explicit, Phase.generate],  # no shrinking: the failing case as generated
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(
                base_url=site["url"],
                headers=site["headers"],
                checks=[not_a_server_error, status_code_conformance],
                timeout=30,
            )

        try:
            run()
        # every operation runs, the failures are shown together (schemathesis raises a
        # BaseExceptionGroup of them)
        except (Exception, BaseExceptionGroup) as e:
            failures.append(f"{operation.label}: {e}")
    assert not failures, "\n\n".join(failures)
