"""Logins (WeChat code, SMS code, staff password), JWTs, refresh tokens, roles and guards."""
