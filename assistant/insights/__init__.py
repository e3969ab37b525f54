"""What the owner learns from recruiters' questions: the unanswered-questions report."""
