"""The submission board (agency x month) and reminders."""
