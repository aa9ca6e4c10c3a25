"""Councils (要対協), agency kinds and member agencies, kept by system administrators."""
