"""Scorers: difficulty (judge or rollout pass rate) and length, plus the resumable score cache."""
