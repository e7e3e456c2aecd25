"""pytest plugin (loaded with ``-p`` before Django starts): test runs use the test environment."""

import os

os.environ.setdefault("FACTCHECK_ENV", "test")
