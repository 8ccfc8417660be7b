"""Checks of a claim against its checklist, the drug catalogue and itself (issue 4)."""
