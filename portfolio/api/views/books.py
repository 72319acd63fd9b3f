"""The books: holdings, lots, disposals, income, margin, futures, tax years, unknown bases,
prices. All from the caller's latest accounting run (the one the pages show)."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio.api import filters
from portfolio.api.selectors import valuation_prices
from portfolio.api.serializers import books as b
from portfolio.books import bases, selectors
from portfolio.books.models import DisposalRow, FuturesRow, IncomeRow, LotRow, MarginRow
from portfolio.books.models import UnknownBasisDepositRow as UnknownRow
from portfolio.books.services import settings_for

TAGS = ["books"]


def latest_run(user):
    return selectors.latest_run_for(user=user)


class RunRows(generics.ListAPIView):
    """Rows of the caller's latest run; none before the first run."""

    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        run = latest_run(self.request.user)
        if run is None:
            return self.model.objects.none()
        return self.model.objects.filter(run=run)


def _listed(summary: str):
    return extend_schema_view(get=extend_schema(tags=TAGS, summary=summary))


@_listed("Open lots (on Kraken and held outside)")
class LotList(RunRows):
    model = LotRow
    serializer_class = b.LotSerializer
    filterset_class = filters.LotFilter
    cursor_ordering = ("id",)


@_listed("Disposals with the lots each used")
class DisposalList(RunRows):
    model = DisposalRow
    serializer_class = b.DisposalSerializer
    filterset_class = filters.DisposalFilter
    cursor_ordering = ("time", "id")


@_listed("Income (staking, rewards, ...)")
class IncomeList(RunRows):
    model = IncomeRow
    serializer_class = b.IncomeSerializer
    filterset_class = filters.IncomeFilter
    cursor_ordering = ("time", "id")


@_listed("Closed margin positions")
class MarginList(RunRows):
    model = MarginRow
    serializer_class = b.MarginSerializer
    filterset_class = filters.MarginFilter
    cursor_ordering = ("closed", "id")


@_listed("Kraken Futures realized PnL, funding and fees")
class FuturesRecordList(RunRows):
    model = FuturesRow
    serializer_class = b.FuturesRecordSerializer
    filterset_class = filters.FuturesRecordFilter
    cursor_ordering = ("time", "id")


@_listed("Deposits of unknown basis, with any basis you entered")
class UnknownBasisList(RunRows):
    model = UnknownRow
    serializer_class = b.UnknownBasisSerializer
    cursor_ordering = ("time", "id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self.paginator, "page", None) or []
        context["entered"] = bases.entered_for(
            user=self.request.user, event_ids=[row.event_id for row in page]
        )
        return context


class UnknownBasisEnter(APIView):
    @extend_schema(
        tags=TAGS,
        request=b.BasisInputSerializer,
        responses={202: b.UnknownBasisSerializer},
        summary="Enter the basis of a deposit, named by its ledger id",
        description="Your accounts are rebuilt in the background. The ledger id (`event_id` in "
        "the list) stays the same across rebuilds; row ids do not.",
    )
    def post(self, request, event_id: str):
        deposit = selectors.unknown_basis_of(user=request.user, event_id=event_id)
        data = b.BasisInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bases.deposit_basis_save(user=request.user, deposit=deposit, **data.validated_data)
        entered = bases.entered_for(user=request.user, event_ids=[deposit.event_id])
        body = b.UnknownBasisSerializer(deposit, context={"entered": entered}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


ZERO = Decimal(0)


class HoldingsView(APIView):
    @extend_schema(tags=TAGS, responses=b.HoldingsSerializer, summary="What you hold, valued")
    def get(self, request):
        current = selectors.current_run_for(
            user=request.user, settings=settings_for(user=request.user)
        )
        run = current.latest
        body = {"run": run, "pending": current.pending, "holdings": []}
        totals = dict.fromkeys(("market_value", "cost_basis", "unrealized", "realized"))
        if run is not None:
            overview = selectors.overview_for(run=run)
            body["holdings"] = overview.holdings
            totals = {name: getattr(overview, name) for name in totals}
        return Response(b.HoldingsSerializer({**body, **totals}).data)


class TaxYearList(APIView):
    @extend_schema(
        tags=TAGS, responses=b.TaxYearSerializer(many=True), summary="Tax-year summaries"
    )
    def get(self, request):
        run = latest_run(request.user)
        years = run.years.order_by("year") if run is not None else []
        return Response(b.TaxYearSerializer(years, many=True).data)


class TaxYearDetail(APIView):
    @extend_schema(tags=TAGS, responses=b.TaxYearSerializer, summary="One tax year's summary")
    def get(self, request, year: int):
        run = latest_run(request.user)
        if run is None:
            raise Http404("No accounts yet: sync a connection first.")
        return Response(b.TaxYearSerializer(selectors.year_for(run=run, year=year)).data)


class PricesView(APIView):
    @extend_schema(
        tags=TAGS,
        responses=b.PricesSerializer,
        summary="The prices your latest valuation used, and those it could not find",
    )
    def get(self, request):
        run = latest_run(request.user)
        if run is None:
            body = {"run": None, "quote": None, "at": None, "prices": [], "missing": []}
        else:
            body = valuation_prices(user=request.user, run=run)
        return Response(b.PricesSerializer(body).data)
