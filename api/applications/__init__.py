"""Applications: drafts, materials, pre-review and gap notices, supplements, instant decisions,
progress, trips and the licence library."""
