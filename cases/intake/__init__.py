"""Intake (受付): 相談・通告受付票, the 緊急度アセスメント, the 受理会議 decision, the 48-hour check."""
