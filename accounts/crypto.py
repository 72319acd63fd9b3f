"""Encryption at rest for Kraken credentials (Fernet: AES-128-CBC with HMAC-SHA256).

The key comes from settings.CREDENTIALS_KEY (comma-separated for rotation: the first key
encrypts, every key decrypts). Without it, a key is generated on first use into
settings.CREDENTIALS_KEY_FILE with mode 0600, so a fresh checkout works and the key never
lives in the repository.
"""

import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

KEYS_NEED_REENTERING = (
    "The stored keys of this connection cannot be read with this server's credentials key "
    "(it was changed or lost): enter the API key and secret again (and the Futures ones, if any)."
)


class CredentialsKeyError(RuntimeError):
    """The credentials key is missing, unreadable or does not decrypt stored secrets."""


def _key_from_file(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Fernet.generate_key()
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key.decode()
    return path.read_text().strip()


@lru_cache(maxsize=4)
def _fernet(configured: str, key_file: str) -> MultiFernet:
    raw = configured or _key_from_file(Path(key_file))
    try:
        keys = [Fernet(part.strip()) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise CredentialsKeyError(
            "CREDENTIALS_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes); "
            "generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from exc
    if not keys:
        raise CredentialsKeyError("CREDENTIALS_KEY is empty")
    return MultiFernet(keys)


def current_fernet() -> MultiFernet:
    return _fernet(settings.CREDENTIALS_KEY, str(settings.CREDENTIALS_KEY_FILE))


def encrypt(plain: str) -> str:
    return current_fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return current_fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise CredentialsKeyError(
            "a stored Kraken credential cannot be decrypted with the configured "
            "CREDENTIALS_KEY; was the key changed or lost?"
        ) from exc


def readable(token: str) -> bool:
    """Whether the configured key decrypts `token` (an empty token is trivially readable)."""
    if not token:
        return True
    try:
        decrypt(token)
    except CredentialsKeyError:
        return False
    return True


def rotate(token: str) -> str:
    """`token` re-encrypted under the first configured key (CredentialsKeyError if unreadable)."""
    try:
        return current_fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise CredentialsKeyError("a stored Kraken credential cannot be decrypted") from exc


def mask(value: str) -> str:
    """Enough of a key to recognise it, never enough to use it."""
    if len(value) <= 8:
        return "•" * 8
    return f"{value[:4]}…{value[-4:]}"
