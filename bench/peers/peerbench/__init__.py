"""Benchmark of charseg against single-label language detectors.

Importing the package puts the charseg sources on ``sys.path`` (see
:mod:`.paths`), so the scripts also run in the peers' virtual environment.
"""

from . import paths as paths
