"""投诉建议: complaints and suggestions with a 5-working-day answer deadline (FAQ F144)."""
