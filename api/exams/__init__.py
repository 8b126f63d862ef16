"""Qualification exams: the case waiting for its exam, invitations, results and retakes, and the
exam year's lapse (F123)."""
