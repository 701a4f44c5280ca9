"""Broadcast alerts: a use case above enrollment (who is in the audience) and delivery (the
outbox that sends them), started from the admin API."""
