"""Case notes (経過記録): what each involved agency records about a child or the household."""
