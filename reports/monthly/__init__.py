"""Monthly status reports (定期的な情報提供): periods, the report grid, drafts, submissions, corrections."""
