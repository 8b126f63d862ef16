"""The typed contract: error codes declared per route, the committed openapi.json kept (a breaking
change fails), and the TypeScript client generated from the document type-checks."""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil
import shutil
import subprocess
from pathlib import Path

import pytest
from litestar import Litestar, get, post
from litestar.params import FromPath, JSONBody

import api
from api import contract
from api.app import create_app
from api.errors import DomainError
from api.settings import Settings
from api.types import Input, Schema

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "clients" / "ts"


@pytest.fixture(scope="module")
def doc() -> dict:
    return contract.document(create_app(Settings(env="test")))


def _problem_codes(doc: dict, operation_id: str) -> dict[int, list[str]]:
    for ops in doc["paths"].values():
        for op in ops.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                out = {}
                for status, res in op["responses"].items():
                    if int(status) >= 400:
                        ref = res["content"]["application/problem+json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                        code = doc["components"]["schemas"][ref]["properties"]["code"]
                        out[int(status)] = code.get("enum", [code.get("const")])
                return out
    raise AssertionError(f"no operation {operation_id}")


def test_every_route_declares_its_error_responses_with_the_codes_it_raises(doc):
    operations = [op for ops in doc["paths"].values() for op in ops.values() if isinstance(op, dict)]
    for op in operations:
        codes = _problem_codes(doc, op["operationId"])
        assert "validation_failed" in codes[400], op["operationId"]
    # codes found by following each handler into the services it calls
    assert _problem_codes(doc, "adminLoadWorkdayNotice")[422] == ["workday_notice_invalid"]
    assert _problem_codes(doc, "adminLoadWorkdayNotice")[409] == ["workday_year_covered"]
    assert "own_case" in _problem_codes(doc, "decideTask")[403]
    assert "task_waiting_exam" in _problem_codes(doc, "decideTask")[409]
    # raised in a worker thread (the upload's structure check) and on an injected object (WeChat)
    assert "file_damaged" in _problem_codes(doc, "uploadMaterial")[422]
    assert "wechat_code_invalid" in _problem_codes(doc, "authWechat")[400]
    # a public route has no 401
    assert 401 not in _problem_codes(doc, "listServices")


def test_the_source_walk_reaches_every_domain_error_from_some_route():
    """Each domain error class is found behind at least one route (the console's pages included,
    which are not in the document): an error the walk cannot reach would be missing from the
    declarations of the routes that raise it."""
    from litestar.handlers import HTTPRouteHandler

    from api.openapi import declared

    for module in pkgutil.walk_packages(api.__path__, "api."):
        importlib.import_module(module.name)
    app = create_app(Settings(env="test"))
    found = {c for route in app.routes for h in getattr(route, "route_handlers", [])
             if isinstance(h, HTTPRouteHandler) for codes in declared(h, route.path).values() for c in codes}

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    # raised only inside jobs (e.g. a WeChat media download the job handles): no route answers them
    from api.openapi import raised_by
    from jobs.worker import FUNCTIONS

    in_jobs = {e.code for f in FUNCTIONS for e in raised_by(getattr(f, "coroutine", f))}
    # gone: a status family nobody raises as such
    missing = sorted({e.code for e in subclasses(DomainError)} - found - in_jobs - {"gone"})
    assert not missing, f"domain errors no route is found to raise: {missing}"


def test_the_code_keeps_the_committed_contract():
    app = create_app(Settings(env="test"))
    broken = contract.check(app)
    assert not broken, "the API breaks the committed openapi.json (regenerate with `make openapi` only " \
                       "for a deliberate, announced change):\n" + "\n".join(broken[:30])


class Licence(Schema):
    number: str
    holder: str
    valid_until: str | None = None


class LicenceNarrowed(Schema):  # the next version of the code: a field gone, another now null too
    number: str | None
    valid_until: str | None = None


class Booking(Input):
    slot_id: int | None = None
    note: str = ""


class BookingNarrowed(Input):
    slot_id: int
    note: str = ""


def _app(response: type, request: type) -> Litestar:
    """The same two routes written against two versions of their types."""
    # Never called: only the OpenAPI document built from their signatures is read.
    def one(n: int) -> None:
        return None

    def book(data: None) -> None:
        return None

    one.__annotations__ = {"n": FromPath[int], "return": response}  # real types, not the strings of this module
    book.__annotations__ = {"data": JSONBody[request], "return": None}
    return Litestar([get("/licences/{n:int}", operation_id="getLicence", sync_to_thread=False)(one),
                     post("/bookings", operation_id="book", sync_to_thread=False)(book)], debug=False)


def test_a_breaking_change_to_a_response_or_request_schema_fails_the_contract_check():
    old = contract.document(_app(Licence, Booking))
    assert contract.breaking_changes(old, old) == []
    new = contract.document(_app(LicenceNarrowed, BookingNarrowed))
    broken = contract.breaking_changes(old, new)
    assert any("GET /licences/{n} 200.holder: field removed" in b for b in broken), broken
    assert any("GET /licences/{n} 200.number: type widened" in b for b in broken), broken
    assert any("POST /bookings request.slotId: type narrowed" in b for b in broken), broken
    assert any("POST /bookings request.slotId: new required field" in b for b in broken), broken
    # adding an optional response field or a new operation is not breaking
    grown = copy.deepcopy(old)
    grown["components"]["schemas"]["Licence"]["properties"]["issuer"] = {"type": "string"}
    grown["paths"]["/new"] = {"get": {"operationId": "new", "responses": {}}}
    assert contract.breaking_changes(old, grown) == []
    # an error response may gain a problem code; losing the response is breaking
    committed = json.loads(contract.COMMITTED.read_text(encoding="utf-8"))
    more = copy.deepcopy(committed)
    more["components"]["schemas"]["AdminLoadWorkdayNoticeProblem422"]["properties"]["code"] = {
        "type": "string", "enum": ["workday_notice_invalid", "workday_notice_late"]}
    assert contract.breaking_changes(committed, more) == []
    del more["paths"]["/api/v1/admin/workday-notices/{year}"]["put"]["responses"]["422"]
    assert contract.breaking_changes(committed, more) == [
        "PUT /api/v1/admin/workday-notices/{year}: response 422 removed"]


def test_the_committed_contract_with_a_field_removed_fails_the_check(doc):
    committed = json.loads(contract.COMMITTED.read_text(encoding="utf-8"))
    edited = copy.deepcopy(committed)
    del edited["components"]["schemas"]["ServiceDetail"]["properties"]["name"]
    broken = contract.breaking_changes(committed, edited)
    assert any(b.startswith("GET /api/v1/services/{code} 200.name: field removed") for b in broken), broken


def test_the_typescript_client_compiles_against_the_running_code(doc, tmp_path):
    bin_dir = TS / "node_modules" / ".bin"
    if not (bin_dir / "tsc").exists() or shutil.which("node") is None:
        pytest.fail("clients/ts tools missing: `make test` installs them (npm ci in clients/ts)")
    spec = tmp_path / "openapi.json"
    spec.write_text(contract.render(doc), encoding="utf-8")
    (tmp_path / "src").mkdir()
    gen = subprocess.run([str(bin_dir / "openapi-typescript"), str(spec), "-o", str(tmp_path / "src" / "api.d.ts")],
                         capture_output=True, text=True, timeout=180)
    assert gen.returncode == 0, gen.stderr[-2000:]
    shutil.copy(TS / "src" / "client.ts", tmp_path / "src" / "client.ts")
    shutil.copy(TS / "tsconfig.json", tmp_path / "tsconfig.json")
    tsc = subprocess.run([str(bin_dir / "tsc"), "--noEmit", "-p", str(tmp_path)], capture_output=True, text=True,
                         timeout=300)
    assert tsc.returncode == 0, tsc.stdout[-3000:] + tsc.stderr[-1000:]
    # and a client using a code the API does not declare would not compile
    bad = (tmp_path / "src" / "client.ts").read_text().replace('case "gaps_remain":', 'case "no_such_code":')
    (tmp_path / "src" / "client.ts").write_text(bad)
    tsc = subprocess.run([str(bin_dir / "tsc"), "--noEmit", "-p", str(tmp_path)], capture_output=True, text=True,
                         timeout=300)
    assert tsc.returncode != 0 and "no_such_code" in tsc.stdout

