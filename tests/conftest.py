"""Shared test setup. The credentials key file lives in a private temp folder, never in $HOME."""

import os
import tempfile
from pathlib import Path

_KEY_DIR = Path(tempfile.mkdtemp(prefix="kp-test-keys-"))
os.environ.setdefault("CREDENTIALS_KEY_FILE", str(_KEY_DIR / "credentials.key"))
