"""SharedState across the processes of one host, through fcntl.flock on per-key files."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from portfolio.kraken.ratelimit import key_id, next_nonce_value, reserve_slot


class FileState:
    """Files ``<hash>.lock``, ``<hash>.nonce`` and ``<hash>.bucket`` in `directory`.

    flock locks belong to an open file description, so opening the file anew for every
    acquisition also excludes other threads of the same process. The request lock and the
    nonce/bucket files are distinct files, so taking a nonce while holding the request lock
    cannot deadlock.
    """

    def __init__(
        self, directory: str | os.PathLike[str], *, clock: Callable[[], float] = time.time
    ):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)  # key hashes, nonces
        self._clock = clock

    def _path(self, key: str, suffix: str) -> Path:
        return self.directory / f"{key_id(key)}.{suffix}"

    @contextmanager
    def _locked_file(self, path: Path) -> Iterator[int]:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            os.close(fd)  # closing releases the flock

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with self._locked_file(self._path(key, "lock")):
            yield

    @staticmethod
    def _read(fd: int) -> str:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 256).decode().strip()

    @staticmethod
    def _write(fd: int, text: str) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, text.encode())

    def next_nonce(self, key: str) -> int:
        with self._locked_file(self._path(key, "nonce")) as fd:
            raw = self._read(fd)
            nonce = next_nonce_value(int(raw) if raw else 0, self._clock())
            self._write(fd, str(nonce))
            return nonce

    def reserve(self, bucket: str, cost: float, capacity: float, decay: float) -> float:
        with self._locked_file(self._path(bucket, "bucket")) as fd:
            now = self._clock()
            raw = self._read(fd).split()
            level, updated = (float(raw[0]), float(raw[1])) if len(raw) == 2 else (0.0, now)
            new_level, wait = reserve_slot(
                level=level, updated=updated, now=now, cost=cost, capacity=capacity, decay=decay
            )
            self._write(fd, f"{new_level!r} {now!r}")
            return wait
