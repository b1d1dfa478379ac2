"""Open responses: code frames, coding, theme suggestions and quotes."""
