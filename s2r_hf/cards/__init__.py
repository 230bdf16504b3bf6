"""Cards: dataset cards for selections (and, later, model cards with evaluation results)."""
