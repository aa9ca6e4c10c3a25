"""Moves (転居・ケース移管): a change of school, whereabouts unknown, transfers between councils."""
