"""The shared price store: candles keyed by pair altname, coverage, manual prices.

Existing cached quotes are kept: their Kraken pair id is mapped to the pair's altname where a
synced AssetPair names it (the OHLCVT files' naming), and their source is "api".
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def pair_ids_to_altnames(apps, schema_editor):
    PriceQuote = apps.get_model("portfolio", "PriceQuote")
    AssetPair = apps.get_model("portfolio", "AssetPair")
    names = dict(AssetPair.objects.exclude(altname="").values_list("pair_id", "altname"))
    for pair_id in PriceQuote.objects.values_list("pair", flat=True).distinct():
        altname = names.get(pair_id)
        if altname and altname != pair_id:
            if PriceQuote.objects.filter(pair=altname).exists():
                continue  # never merge two histories under one name
            PriceQuote.objects.filter(pair=pair_id).update(pair=altname)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="pricequote", name="unique_price_quote"),
        migrations.RemoveIndex(model_name="pricequote", name="price_pair_time"),
        migrations.RenameField(model_name="pricequote", old_name="pair_id", new_name="pair"),
        migrations.AlterField(
            model_name="pricequote",
            name="interval",
            field=models.PositiveIntegerField(help_text="Minutes."),
        ),
        migrations.AlterField(
            model_name="pricequote",
            name="time",
            field=models.DateTimeField(help_text="Start of the candle (UTC)."),
        ),
        migrations.AlterField(
            model_name="pricequote",
            name="vwap",
            field=models.DecimalField(blank=True, decimal_places=10, max_digits=30, null=True),
        ),
        migrations.AddField(
            model_name="pricequote",
            name="trades",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="pricequote",
            name="source",
            field=models.CharField(
                choices=[
                    ("api", "Kraken OHLC API"),
                    ("file", "Kraken OHLCVT file"),
                    ("trades", "Kraken public Trades"),
                ],
                default="api",
                max_length=8,
            ),
        ),
        migrations.RunPython(pair_ids_to_altnames, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="pricequote",
            constraint=models.UniqueConstraint(
                fields=("pair", "interval", "time"), name="unique_price_quote"
            ),
        ),
        migrations.AddIndex(
            model_name="pricequote",
            index=models.Index(fields=["pair", "time"], name="price_pair_time"),
        ),
        migrations.CreateModel(
            name="PriceCoverage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("pair", models.CharField(max_length=32)),
                ("interval", models.PositiveIntegerField()),
                ("start", models.DateTimeField()),
                ("end", models.DateTimeField()),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("api", "Kraken OHLC API"),
                            ("file", "Kraken OHLCVT file"),
                            ("trades", "Kraken public Trades"),
                        ],
                        max_length=8,
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["pair", "interval", "end"], name="price_cover_pair")
                ],
            },
        ),
        migrations.CreateModel(
            name="ManualPrice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("asset", models.CharField(max_length=32)),
                ("quote", models.CharField(max_length=32)),
                ("time", models.DateTimeField()),
                ("price", models.DecimalField(decimal_places=10, max_digits=30)),
                ("note", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="manual_prices",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "asset", "quote", "time"), name="unique_manual_price"
                    )
                ],
            },
        ),
    ]
