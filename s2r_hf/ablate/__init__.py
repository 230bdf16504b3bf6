"""`s2r ablate`: Sky-T1's structure-vs-content perturbations of a selected subset's reasoning traces.

:mod:`.transforms` holds the pure string transforms, :mod:`.options` the command's options, :mod:`.main` the
command (load the selection → ``datasets.map`` → write a selection folder `s2r train` reads unchanged).
"""
