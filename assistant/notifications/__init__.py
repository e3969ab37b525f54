"""The owner hears of each lead, by webhook and by email, from an outbox that survives restarts."""
