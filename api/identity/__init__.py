"""Verified persons: the identity record (one verified person <-> one account) and face verification.

Other domains call ``api.identity.service`` (``record_verified``, ``identity_of``); this package's
``__init__`` stays empty so that ``api.settings`` can import ``crypto`` without the rest.
"""
