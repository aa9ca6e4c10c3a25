"""Support plans (サポートプラン): versions, reviews, consent, Word copies, review board, local resources."""
