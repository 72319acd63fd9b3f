from decimal import Decimal

from portfolio.kraken.ratelimit import TIERS, RateTier, reserve_slot, scaled
from portfolio.kraken.state import MemoryState
from portfolio.kraken.transport import Budget


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


EXACT = RateTier(Decimal(20), Decimal(1), safety=Decimal(0), latency_allowance=Decimal(0))


def test_tiers_match_krakens_table():
    assert TIERS["starter"] == RateTier(Decimal(15), Decimal("0.33"))
    assert TIERS["intermediate"] == RateTier(Decimal(20), Decimal("0.5"))
    assert TIERS["pro"] == RateTier(Decimal(20), Decimal(1))
    assert scaled(TIERS["pro"], 50) == RateTier(Decimal(20), Decimal(50))


def test_model_keeps_headroom_and_decays_five_percent_slower():
    pro = TIERS["pro"]
    assert pro.capacity_for(Decimal(2)) == 19.0
    assert pro.model_decay == 0.95
    fast = scaled(pro, 50)  # 50/s * 0.05 s latency allowance = 2.5 counter units
    assert fast.capacity_for(Decimal(2)) == 17.5
    public = RateTier(Decimal(1), Decimal(1))
    assert public.capacity_for(Decimal(1)) == 1.0  # a call always fits an empty counter


def test_reserve_slot_is_free_until_the_counter_is_full_then_waits_for_decay():
    assert reserve_slot(level=0, updated=0, now=0, cost=2, capacity=20, decay=1) == (2, 0)
    assert reserve_slot(level=20, updated=0, now=0, cost=2, capacity=20, decay=1) == (22, 2)
    assert reserve_slot(level=20, updated=0, now=4, cost=2, capacity=20, decay=1) == (18, 0)
    assert reserve_slot(level=1, updated=0, now=10, cost=2, capacity=20, decay=1) == (2, 0)


def test_memory_state_queues_callers_behind_reserved_slots():
    clock = FakeClock()
    state = MemoryState(clock=clock)
    budget = Budget("spot:key", EXACT, Decimal(2))
    waits = [budget.reserve(state) for _ in range(12)]
    assert waits == [0.0] * 10 + [2.0, 4.0]
    clock.now += 4.0
    assert budget.reserve(state) == 2.0  # level 24 - 4 decayed + 2 = 22: two over capacity
    clock.now += 100
    assert budget.reserve(state) == 0.0


def test_a_sustained_run_never_lets_krakens_counter_exceed_its_maximum():
    """Replay the model's schedule against an exact Kraken counter for 500 calls of cost 2."""
    clock = FakeClock(0.0)
    state = MemoryState(clock=clock)
    tier = TIERS["pro"]
    budget = Budget("spot:key", tier, Decimal(2))
    server_level, server_time, peak = 0.0, 0.0, 0.0
    for _ in range(500):
        clock.now += budget.reserve(state)  # the client sleeps, then sends at clock.now
        server_level = max(0.0, server_level - (clock.now - server_time) * 1.0) + 2
        server_time = clock.now
        peak = max(peak, server_level)
        clock.now += 0.01  # request round trip
    assert peak <= 20.0
    assert 1000 / clock.now >= 0.9  # counter units per second achieved vs 1/s allowed


def test_penalize_after_a_rate_limit_error_makes_the_next_call_wait():
    clock = FakeClock()
    state = MemoryState(clock=clock)
    budget = Budget("spot:key", EXACT, Decimal(2))
    for _ in range(9):
        budget.reserve(state)
    budget.penalize(state)  # level 18 + 10 = 28
    assert budget.reserve(state) == 10.0
