"""SQLModel tables and the queries the handlers and schedules share."""
