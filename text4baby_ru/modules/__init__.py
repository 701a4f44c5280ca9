"""Interactive modules: a question, tailored follow-ups, arms, and their evaluation."""
