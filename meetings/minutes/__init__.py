"""Minutes (会議録): draft, edit, confirm, corrections, and their Word copies."""
