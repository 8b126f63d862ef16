"""Form values (application/x-www-form-urlencoded) turned into the API's own input Structs, so a
console form obeys exactly what the JSON route would. Empty fields count as not given."""

from __future__ import annotations

from typing import Any

from api.console.service import FormInvalid, convert


def given(form: Any, *names: str, rename: dict[str, str] | None = None) -> dict[str, Any]:
    """The named fields that were filled in, under the API's (camelCase) names."""
    out: dict[str, Any] = {}
    for name in names:
        value = (form.get(name) or "").strip()
        if value:
            out[(rename or {}).get(name, name)] = value
    return out


def exam_result(form: Any, type_: type[Any]) -> Any:
    return convert(given(form, "taken_on", "national", "regional", rename={"taken_on": "takenOn"}), type_)


def hand_over(form: Any, type_: type[Any]) -> Any:
    values = given(form, "collector", "proxy_name", "proxy_id_number",
                   rename={"proxy_name": "proxyName", "proxy_id_number": "proxyIdNumber"})
    if values.get("collector") == "proxy":
        # A proxy needs the applicant's signed letter (F131): the tick box says it was checked.
        values["letterChecked"] = form.get("letter_checked") == "on"
    return convert(values, type_)


def checked(form: Any, name: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    values = [str(v) for v in form.getall(name, [])]
    if allowed is not None and any(v not in allowed for v in values):
        raise FormInvalid("选项不正确")
    return values


def positive_int(form: Any, name: str, label: str) -> int:
    raw = (form.get(name) or "").strip()
    if not raw.isdigit() or int(raw) <= 0:
        raise FormInvalid(f"请选择{label}")
    return int(raw)


def whole_number(form: Any, name: str, label: str) -> int:
    raw = (form.get(name) or "").strip()
    if not raw.isdigit() or int(raw) > 3650:
        raise FormInvalid(f"请填写{label}（天数）")
    return int(raw)
