"""The catalogue: the service specs (specs: loading the shipped data, search, what a service asks
under the applicant's answers, exemptions, the per-service facts other areas read), the checklist
(checklist), the admin's edits (admin) and the working-day calendar (calendar). Other areas import
the names below."""

from __future__ import annotations

from api.catalogue.bundles import applies, members_applying
from api.catalogue.service.calendar import (
    FESTIVALS, MAX_HOLIDAY_DAYS, HORIZON_DAYS, WorkdayNoticeInvalid, WorkdayYearCovered, load_notice, coverage,
    load_workday_overrides, set_workday_override,
)
from api.catalogue.service.specs import (
    DATA_FILE, ServiceNotFound, AnswersInvalid, CatalogueInvalid, load_data_file, save_service, seed_catalogue,
    search, get_spec, merged_spec, steps_of, check_answers, path_of, applicable, holder_licences, exemptions,
    exam_of, has_exam, all_specs, shipped_visit_names, visit_name, form_schema, detail, admin_save,
)
from api.catalogue.service.checklist import AUTHORITATIVE, LEGAL_REP_FIELD, enterprise_values, licence_value, prefill
from api.catalogue.service.admin import CatalogueEditInvalid, ServiceEdit, edit_service, edits, overrides_from
