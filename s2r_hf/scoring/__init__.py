"""Scorers: difficulty (judge, rollout pass rate, or a fitted difficulty model, the first and last on one prefill
engine) and length, plus the resumable score cache."""
