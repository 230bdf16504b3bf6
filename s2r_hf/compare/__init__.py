"""`s2r compare`: look at two or more selections side by side before training on one.

Stages, data flowing one way: :mod:`.options` (argv → :class:`~.options.CompareArguments`) → :mod:`.read` (a local
folder or a Hub dataset repo → :class:`~.read.Selection`: manifest, selected ids, measure columns as Arrow) →
:mod:`.stats` (overlap, distributions, token totals: a JSON-ready dict, numpy/Arrow only) → :mod:`.report`
(``compare.json``, ``compare.md``, ``compare.png``). :mod:`.main` wires them; heavy imports stay inside functions.
"""
