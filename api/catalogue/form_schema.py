"""A service's application form as JSON Schema (draft 2020-12), made from the catalogue's fields.

The same schema is published (``GET /api/v1/services/{code}/form-schema``, for the mini-program to
build and check its form) and used by the API to refuse a form that can never be right
(``api.applications.rules.form_problems``). What a schema cannot say is carried by formats this
module checks (``cn-resident-id``: the ID number's checksum and birth date; ``cn-uscc``: the
unified social credit code's checksum) and by ``x-`` keywords read by people and the pre-review:
``x-required`` (needed before submitting), ``x-when`` (only under these situation answers),
``x-required-if`` / ``x-optional-if`` (by another field's value), ``x-prefill``.

Empty values (null or "") leave a field unanswered: they are not checked here; whether the field
is still needed is the pre-review's question at submission.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import msgspec
from jsonschema import Draft202012Validator, FormatChecker
from stdnum.cn import uscc

from api.catalogue.schemas import Field
from api.types import is_mobile, is_resident_id

MAX_TEXT = 2000
PLATE = r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]$"

FORMATS = FormatChecker(formats=("date",))
FORMATS.checks("cn-resident-id")(lambda v: not isinstance(v, str) or is_resident_id(v))
FORMATS.checks("cn-uscc")(lambda v: not isinstance(v, str) or uscc.is_valid(v))
FORMATS.checks("cn-mobile")(lambda v: not isinstance(v, str) or is_mobile(v))


def _value_schema(f: Field) -> dict[str, Any]:
    if f.type == "bool":
        return {"type": "boolean"}
    if f.type == "number":
        out: dict[str, Any] = {"type": "number"}
        if f.min is not None:
            out["minimum"] = f.min
        if f.gt is not None:
            out["exclusiveMinimum"] = f.gt
        if f.max is not None:
            out["maximum"] = f.max
        return out
    if f.type == "select":
        return {"type": "string", "enum": list(f.options)}
    out = {"type": "string", "maxLength": min(f.max_length or MAX_TEXT, MAX_TEXT)}
    if f.type == "mobile":
        out.update(pattern=r"^1[3-9]\d{9}$", format="cn-mobile")
    elif f.type == "resident_id":
        out.update(pattern=r"^\d{17}[\dXx]$", format="cn-resident-id")
    elif f.type == "credit_code":
        out.update(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", format="cn-uscc")
    elif f.type == "plate":
        out["pattern"] = PLATE
    elif f.type == "date":
        out["format"] = "date"
    if f.pattern:
        # the catalogue's patterns are whole-value matches (re.fullmatch); JSON Schema's are searches
        out["allOf"] = [{"pattern": f"^(?:{f.pattern})$"}]
    return out


def form_schema(fields: list[Field], *, code: str = "", name: str = "") -> dict[str, Any]:
    """The JSON Schema of a form made of ``fields``."""
    properties: dict[str, Any] = {}
    for f in fields:
        prop = {"title": f.label, **_value_schema(f), "x-fieldType": f.type, "x-required": f.required}
        for key, value in (("x-when", f.when), ("x-required-if", f.required_if), ("x-optional-if", f.optional_if)):
            if value:
                prop[key] = value
        if f.prefill:
            prop["x-prefill"] = f.prefill
        properties[f.code] = prop
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                              "properties": properties, "additionalProperties": False}
    if code:
        schema["$id"] = f"/api/v1/services/{code}/form-schema"
    if name:
        schema["title"] = name
    return schema


@lru_cache(maxsize=256)
def _validator(encoded_fields: bytes) -> Draft202012Validator:
    fields = msgspec.json.decode(encoded_fields, type=list[Field])
    return Draft202012Validator(form_schema(fields), format_checker=FORMATS)


def invalid_fields(fields: list[Field], form: dict[str, Any]) -> dict[str, str]:
    """Field code -> the JSON Schema keyword it fails (``additionalProperties`` for a field the
    form does not have); empty values are not checked."""
    filled = {k: v for k, v in form.items() if v is not None and v != ""}
    out: dict[str, str] = {}
    for error in _validator(msgspec.json.encode(fields)).iter_errors(filled):
        if error.validator == "additionalProperties":
            for extra in sorted(set(filled) - {f.code for f in fields}):
                out.setdefault(extra, "additionalProperties")
        elif error.path:
            out.setdefault(str(error.path[0]), str(error.validator))
    return out
