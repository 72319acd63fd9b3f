"""{% ledger_rows %} builds the ledger rows in Python: the same HTML the template loop made."""

import re
from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import timezone

# The loop the tag replaces (templates/portfolio/_ledger_table.html before), kept as the reference.
LOOP = """{% load numbers %}{% url 'transactions' as tx_url %}{% url 'holdings' as holdings_url %}
{% for e in rows %}
  <tr data-id="{{ e.ledger_id }}"><td data-label="Time" class="nowrap">{{ e.time|when }}</td><td data-label="Type">{{ e.type }}{% if e.subtype %} <span class="small muted">{{ e.subtype }}</span>{% endif %}</td>
    <td data-label="Asset"><a href="{{ holdings_url }}{{ e.asset|urlencode }}/">{{ e.asset }}</a>{% if e.wallet and e.wallet != "spot" %} <span class="small muted">{{ e.wallet }}</span>{% endif %}</td>
    <td class="num {{ e.amount|signed }}" data-label="Amount">{% asset_qty e.amount e.asset %}</td><td class="num opt" data-label="Fee">{% asset_qty e.fee e.asset %}</td>
    <td class="num" data-label="Balance">{% asset_qty e.balance e.asset %}</td>
    <td data-label="Ledger id"><code>{{ e.ledger_id }}</code></td><td data-label="Ref id"><a href="{{ tx_url }}?q={{ e.refid|urlencode }}"><code>{{ e.refid }}</code></a></td>
    <td class="opt" data-label="Connection">{{ e.connection_label }}</td></tr>
{% endfor %}"""  # noqa: E501
TAG = "{% load ledger_rows %}{% ledger_rows rows %}"


def _entry(n, **kw):
    fields = dict(ledger_id=f"L{n}", time=timezone.now(), type="trade", subtype="", asset="BTC",
                  wallet="spot", amount=Decimal("-0.1234567891"), fee=Decimal("0.0001000000"),
                  balance=Decimal("16336.8515819727"), refid=f"R{n}",
                  connection_label="Main")  # fmt: skip
    return SimpleNamespace(**{**fields, **kw})


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_the_tag_makes_the_html_the_template_loop_made():
    rows = [
        _entry(1),
        _entry(2, subtype="spottostaking", wallet="futures", amount=Decimal("5"), asset="DOT"),
        _entry(3, refid='<b>"x"&y</b>', asset="A B", connection_label="<i>me</i>"),
    ]
    context = {"rows": rows, "asset_decimals": {"BTC": 8, "DOT": 4}}
    old = Template(LOOP).render(Context(context))
    new = Template(TAG).render(Context(context))
    assert _squash(new) == _squash(old)
    assert "&lt;b&gt;" in new and "<b>" not in new  # escaped
    assert "16,336.85158197" in new  # BTC to its 8 decimals, zeros trimmed
