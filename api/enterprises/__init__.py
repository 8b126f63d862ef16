"""Enterprises as subjects (F091-F092): registration by the legal representative with the registry's
check (or a business-licence photo staff review), their 经办人 and per-service grants, and the
acting subject a person switches to. Other areas call ``api.enterprises.service``."""
