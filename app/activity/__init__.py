"""Typed activity events that nudges and manager KPIs count in SQL."""
