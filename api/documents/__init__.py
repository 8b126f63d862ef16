"""Signed documents (电子证照文件, 决定书, 一次性告知书) and the bureau's signing key."""
