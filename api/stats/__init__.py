"""The reform figures (改革成效) computed from the product's own records, and the demo data."""
