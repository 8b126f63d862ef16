"""The automatic review at submission (``review.py`` has the checks): gather what the bureau
holds about the applicant, run every declared check, store each result with the application and
read the latest run back for the applicant's detail and the approver's task."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from api.applications import review
from api.applications.service import rereview
from api.applications.schemas import ReviewCheckOut, ReviewOut
from api.catalogue import service as catalogue
from api.catalogue.schemas import Field, HeldLicence, Material, ServiceSpec
from api.db import load_queries, rows

q = load_queries(Path(__file__).parents[1], "review.sql")

# library look-ups a named check needs beyond the applicant's own licences: name -> (licence
# type, the form field holding its number)
LOOKUPS = {"driver_qualification": ("freight_driver_qualification", "driverQualificationNo")}


async def gather(conn: Any, app: Any, spec: ServiceSpec, *, fields: list[Field], materials: list[Material],
                 uploaded: set[str], exempt: set[str], today: date) -> review.Facts:
    licences: dict[str, HeldLicence] = {}
    for lic in await catalogue.holder_licences(conn, app["applicant_id"], today, enterprise_id=app["enterprise_id"]):
        licences.setdefault(lic.type, lic)  # newest first
    profile = await q.profile(conn, id=app["applicant_id"])
    found = {}
    for name, (lic_type, number_field) in LOOKUPS.items():
        number = app["form"].get(number_field)
        if isinstance(number, str) and number.strip():
            found[name] = await q.licence_by_number(conn, type=lic_type, number=number.strip())
    return review.Facts(answers=app["answers"], form=app["form"], fields={f.code: f for f in fields},
                        materials={m.code: m for m in materials}, rules=spec.rules, uploaded=uploaded,
                        exempt=exempt, licences=licences, profile=dict(profile) if profile else {},
                        found={k: v for k, v in found.items() if v is not None}, today=today)


async def run_and_store(conn: Any, app: Any, spec: ServiceSpec, **facts: Any) -> list[review.CheckResult]:
    """Run the service's whole review (nothing when it declares none) and store the results."""
    if not spec.review:
        return []
    results = review.run(spec.review, await gather(conn, app, spec, **facts))
    results = await rereview.honour_overrides(conn, app["id"], results)  # F051: a person's override stands
    counts = {o: sum(1 for r in results if r.outcome == o) for o in review.OUTCOME_LABELS}
    stored = await q.insert_review(conn, application_id=app["id"], passed=counts["passed"],
                                   failed=counts["failed"], needs_person=counts["needs_person"])
    await q.insert_checks(conn, review_id=stored["id"], codes=[r.code for r in results],
                          groups=[r.group for r in results], names=[r.name for r in results],
                          outcomes=[r.outcome for r in results], reasons=[r.reason for r in results])
    return results


async def latest(conn: Any, application_id: int) -> ReviewOut | None:
    run = await q.latest_review(conn, application_id=application_id)
    if run is None:
        return None
    checks = [ReviewCheckOut(code=c["code"], group=c["grp"], group_name=review.GROUP_LABELS[c["grp"]],
                             name=c["name"], outcome=c["outcome"], outcome_label=review.OUTCOME_LABELS[c["outcome"]],
                             reason=c["reason"])
              for c in await rows(q.review_checks(conn, review_id=run["id"]))]
    return ReviewOut(reviewed_at=run["reviewed_at"], all_passed=run["all_passed"], passed=run["passed"],
                     failed=run["failed"], needs_person=run["needs_person"], checks=checks)
