"""Immediate reports (至急の情報提供), the alerts they raise, and notices to people."""
