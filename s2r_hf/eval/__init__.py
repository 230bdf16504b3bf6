"""Evaluation: lighteval custom tasks, metrics, the lighteval driver (`s2r eval`) and results for cards."""
