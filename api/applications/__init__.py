"""Applications: drafts, materials, pre-review and gap notices, supplements, instant decisions,
progress and trips; the public case API (``service``) other areas build on."""
