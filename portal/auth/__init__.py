"""Logging in and out, password changes, and the session rules around them."""
