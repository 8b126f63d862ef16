"""代办 for a person (issue 20, F093): an agent files a case for a verified person (the principal) with
the principal's signed authorisation letter; the principal confirms by the SMS code (or refuses)
before the case can be submitted. The case, its messages and its licence are the principal's
(``applications.applicant_id``); the agent reaches it only while the authorisation stands.

``access`` (what applications calls: ``agent_reaches``, ``check_submittable``) imports nothing of
applications; ``service`` files, confirms, refuses and revokes."""
