"""`s2r fit-difficulty`: a learned difficulty model (options → labels → fit → report; see :mod:`.main`)."""
