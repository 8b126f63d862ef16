"""Licences: the electronic licence library (issuing, replacing, revoking) and the paper licence's
way to the applicant after the decision (EMS delivery and re-shipping, window pickup)."""
