"""The API contract: the OpenAPI document as a plain JSON value, and the check that a new document
does not break clients built on the committed one (``openapi.json`` at the repository root).

Breaking, for a client generated from the old document:
- an operation, a response status or a parameter removed; a parameter or request field made required;
- in a response: a field removed, a field no longer always present, a type widened (a new type or
  null where it was not), an enum with a new value the client cannot handle (except a problem's
  ``code``: an error response may gain codes, and clients show the ``title`` of one they do not know);
- in a request: a field removed (unknown fields are refused), a type narrowed (a type or null it
  accepted no longer accepted), an enum value dropped.
Adding operations, optional request fields, response fields and enum values in requests is not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COMMITTED = Path(__file__).resolve().parents[1] / "openapi.json"
METHODS = ("get", "put", "post", "patch", "delete")


def document(app: Any) -> dict[str, Any]:
    """The app's OpenAPI document as plain JSON (examples encoded as the app encodes them)."""
    from litestar.serialization import encode_json

    return json.loads(encode_json(app.openapi_schema.to_schema()))


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class _Side:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.schemas = doc.get("components", {}).get("schemas", {})

    def resolve(self, s: Any, seen: frozenset[str] = frozenset()) -> tuple[Any, frozenset[str]]:
        while isinstance(s, dict) and "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return None, seen
            seen = seen | {name}
            s = self.schemas.get(name, {})
        return s, seen


def _types(s: Any) -> set[str]:
    """The JSON types a schema admits ("any" when it does not say)."""
    if not isinstance(s, dict):
        return {"any"}
    if "$ref" in s:
        return {"object"}
    for key in ("oneOf", "anyOf"):
        if key in s:
            return set().union(*(_types(m) for m in s[key]))
    t = s.get("type")
    if isinstance(t, str):
        return {"number" if t == "integer" else t} | ({"integer"} if t == "integer" else set())
    if isinstance(t, list):
        return set().union(*(_types({"type": x}) for x in t))
    if "const" in s or "enum" in s:
        values = s.get("enum", [s.get("const")])
        return {"null" if v is None else "string" if isinstance(v, str) else "number" for v in values}
    return {"any"}


def _enum(s: Any) -> set[Any] | None:
    if not isinstance(s, dict):
        return None
    if "enum" in s:
        return {json.dumps(v) for v in s["enum"]}
    if "const" in s:
        return {json.dumps(s["const"])}
    for key in ("oneOf", "anyOf"):
        if key in s:
            parts = [_enum(m) for m in s[key] if _types(m) != {"null"}]
            if parts and all(p is not None for p in parts):
                return set().union(*parts)  # type: ignore[arg-type]
    return None


def _object(side: _Side, s: Any, seen: frozenset[str]) -> tuple[dict[str, Any] | None, frozenset[str]]:
    """The object schema behind ``s`` (through $ref and a nullable oneOf), if it is one."""
    s, seen = side.resolve(s, seen)
    if isinstance(s, dict):
        for key in ("oneOf", "anyOf"):
            members = [m for m in s.get(key, []) if _types(m) != {"null"}]
            if len(members) == 1:
                return _object(side, members[0], seen)
        if "properties" in s:
            return s, seen
    return None, seen


def _items(side: _Side, s: Any, seen: frozenset[str]) -> Any:
    s, _ = side.resolve(s, seen)
    if isinstance(s, dict):
        for key in ("oneOf", "anyOf"):
            members = [m for m in s.get(key, []) if _types(m) != {"null"}]
            if len(members) == 1:
                return _items(side, members[0], seen)
        return s.get("items")
    return None


def _compare(old: _Side, new: _Side, a: Any, b: Any, where: str, response: bool, out: list[str],
             seen: frozenset[str] = frozenset(), depth: int = 0) -> None:
    if depth > 12 or a is None or b is None:
        return
    ra, seen_a = old.resolve(a, seen)
    rb, _ = new.resolve(b, seen)
    if ra is None or rb is None:
        return
    ta, tb = _types(ra), _types(rb)
    if "any" not in ta and "any" not in tb:
        if response and not tb <= ta:
            out.append(f"{where}: type widened from {sorted(ta)} to {sorted(tb)}")
        if not response and not ta <= tb:
            out.append(f"{where}: type narrowed from {sorted(ta)} to {sorted(tb)}")
    ea, eb = _enum(ra), _enum(rb)
    if ea is not None and eb is not None:
        if response and eb - ea:
            out.append(f"{where}: new enum values {sorted(eb - ea)}")
        if not response and ea - eb:
            out.append(f"{where}: enum values removed {sorted(ea - eb)}")
    oa, seen_oa = _object(old, a, seen)
    ob, _ = _object(new, b, seen)
    if oa is not None and ob is not None:
        pa, pb = oa.get("properties", {}), ob.get("properties", {})
        req_a, req_b = set(oa.get("required", [])), set(ob.get("required", []))
        for name, sub in pa.items():
            if name not in pb:
                out.append(f"{where}.{name}: field removed")
                continue
            if response and name in req_a and name not in req_b:
                out.append(f"{where}.{name}: no longer always present")
            _compare(old, new, sub, pb[name], f"{where}.{name}", response, out, seen_oa, depth + 1)
        if not response:
            for name in sorted(req_b - req_a):
                out.append(f"{where}.{name}: new required field")
    ia, ib = _items(old, a, seen), _items(new, b, seen)
    if ia is not None and ib is not None:
        _compare(old, new, ia, ib, f"{where}[]", response, out, seen_a, depth + 1)


def _json_content(body: dict[str, Any]) -> Any:
    content = body.get("content", {})
    for media in ("application/json", "application/problem+json", "multipart/form-data"):
        if media in content:
            return content[media].get("schema")
    return None


def breaking_changes(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[str]:
    """What in ``new_doc`` breaks a client of ``old_doc`` (empty: nothing)."""
    old, new = _Side(old_doc), _Side(new_doc)
    out: list[str] = []
    for path, ops in old_doc.get("paths", {}).items():
        for method in METHODS:
            if method not in ops:
                continue
            where = f"{method.upper()} {path}"
            op_b = new_doc.get("paths", {}).get(path, {}).get(method)
            if op_b is None:
                out.append(f"{where}: operation removed")
                continue
            op_a = ops[method]
            params_a = {(p["in"], p["name"]): p for p in op_a.get("parameters", [])}
            params_b = {(p["in"], p["name"]): p for p in op_b.get("parameters", [])}
            for key, p in params_a.items():
                if key not in params_b:
                    if key[0] == "path":
                        out.append(f"{where}: path parameter {key[1]} removed")
                    continue
                _compare(old, new, p.get("schema"), params_b[key].get("schema"), f"{where} {key[0]} {key[1]}",
                         False, out)
            for key, p in params_b.items():
                if p.get("required") and not params_a.get(key, {}).get("required"):
                    out.append(f"{where}: parameter {key[1]} is now required")
            if "requestBody" in op_a and "requestBody" in op_b:
                _compare(old, new, _json_content(op_a["requestBody"]), _json_content(op_b["requestBody"]),
                         f"{where} request", False, out)
            elif "requestBody" in op_b and op_b["requestBody"].get("required"):
                out.append(f"{where}: a request body is now required")
            for status, res in op_a.get("responses", {}).items():
                if status not in op_b.get("responses", {}):
                    out.append(f"{where}: response {status} removed")
                    continue
                found: list[str] = []
                _compare(old, new, _json_content(res), _json_content(op_b["responses"][status]),
                         f"{where} {status}", True, found)
                if status[:1] in ("4", "5"):
                    # a problem's code list may grow: clients show the title for a code they do not know
                    found = [f for f in found if "new enum values" not in f]
                out += found
    return out


def check(app: Any, committed: Path = COMMITTED) -> list[str]:
    """The breaking changes of the running code's document against the committed one."""
    return breaking_changes(json.loads(committed.read_text(encoding="utf-8")), document(app))
