"""Local calendar dates of event times, cached per day.

Rule implemented: a tax date is the calendar date in the jurisdiction's (or user's) time zone
(the user's zone, defaulting to the jurisdiction's; UK matching uses the UK calendar day,
CRYPTO22252; US holding periods count calendar days, Rev. Rul. 66-7).
``when.astimezone(tz).date()`` is exact but costs a zone lookup per event; events arrive in time
order, so this cache remembers the UTC interval of the last local day and answers from it while
the next instant falls inside.

The interval is cached only when the zone's UTC offset is the same at both ends of the day, so
within it local time is UTC plus a constant and every instant maps to that date. A day with a
transition (daylight saving, a zone change at midnight such as Asia/Beirut) is never cached: each
instant takes the exact path. The one assumption is tzdata's: no zone changes its offset twice and
back within a single day (a property test compares the cache with ``astimezone`` in such zones).
Every date of one day is the same ``date`` object, which also saves memory in the results.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

ONE_DAY = timedelta(days=1)
EPSILON = timedelta(microseconds=1)


class LocalDates:
    """Callable: aware datetime -> local date in ``tz`` (identical to ``astimezone(tz).date()``)."""

    __slots__ = ("tz", "lo", "hi", "_day", "_known")

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.lo: datetime | None = None
        self.hi: datetime | None = None
        self._day: date | None = None
        self._known: dict[date, date] = {}

    def __call__(self, when: datetime) -> date:
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None and lo <= when < hi:
            return self._day  # type: ignore[return-value]
        return self._miss(when)

    def _miss(self, when: datetime) -> date:
        tz = self.tz
        local = when.astimezone(tz)
        day = local.date()
        day = self._known.setdefault(day, day)  # one object per calendar day
        offset = local.utcoffset()
        if offset is None:
            return day
        # The day's bounds in UTC if the offset holds all day; kept only if it holds at both ends.
        lo = datetime.combine(day, time(0), UTC) - offset
        hi = lo + ONE_DAY
        if lo.astimezone(tz).utcoffset() == offset == (hi - EPSILON).astimezone(tz).utcoffset():
            self.lo, self.hi, self._day = lo, hi, day
        else:
            self.lo = self.hi = self._day = None
        return day
