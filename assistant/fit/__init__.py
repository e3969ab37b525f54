"""Job description in, fit report out: requirements read from the text, each matched to evidence."""
