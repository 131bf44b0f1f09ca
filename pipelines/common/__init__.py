"""Helpers shared by every source: HTTP session with retries, and user-facing errors."""
