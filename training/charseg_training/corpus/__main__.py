"""Run the corpus builder: ``python -m charseg_training.corpus --help``."""

import sys

from charseg_training.corpus.cli import main_corpus

sys.exit(main_corpus())
