"""Trusted licence data (issue 21): where licences the bureau did not issue come from.

A ``LicenceSource`` answers "which licences of these types does this holder have" with GB/T 36903
records (``records.SourceLicence``): ``share`` asks the provincial e-licence sharing service over
signed HTTP, ``imported`` reads the bureau's own store (``zsb licences import``, the sandbox of
``make dev``); the library of licences this product issued is the third source and is read where it
always was (``licences`` rows with ``source = 'library'``). ``lookup`` fetches for a case's subject
within a time budget, caches answers in Redis, checks every record against the subject and mirrors
the good ones into the library, where exemption and pre-fill read them.
"""
