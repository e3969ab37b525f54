"""Scoring the assistant: question sets, fit-report sets and imported portfolios."""
