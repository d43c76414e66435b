"""Outbox: every e-mail is a row first, sent later by `flask outbox drain`."""
