"""The engine's stored results move from the reports app to books: state only.

The models keep the reports_* tables (``db_table``), so nothing is created here: the tables and
their rows are those reports 0001-0007 made. reports 0008 removes the models from its own state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reports', '0007_merge_0003_prices_version_0006_merge_20261207_0216'),
        ('accounts', '0005_merge_20261207_0216'),
        ('jobs', '0001_jobs_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='AccountingRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('jurisdiction', models.CharField(max_length=8)),
                ('method', models.CharField(max_length=8)),
                ('base_currency', models.CharField(max_length=3)),
                ('per_wallet', models.BooleanField(default=False)),
                ('time_zone', models.CharField(blank=True, default='', help_text='the zone tax dates were taken in', max_length=64)),
                ('as_of', models.DateTimeField()),
                ('inputs_digest', models.CharField(help_text='what the run was computed from', max_length=64)),
                ('prices_version', models.CharField(blank=True, default='', help_text='the stored prices the run used', max_length=64)),
                ('state', models.CharField(choices=[('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='running', max_length=10)),
                ('error', models.TextField(blank=True, default='')),
                ('event_count', models.PositiveIntegerField(default=0)),
                ('warnings', models.JSONField(blank=True, default=list)),
                ('problems', models.JSONField(blank=True, default=list)),
                ('pnl', models.JSONField(blank=True, default=dict)),
                ('cash', models.JSONField(blank=True, default=list, help_text='fiat balances at as_of, valued (cash.CashHolding)')),
                ('kind', models.CharField(choices=[('full', 'Full'), ('incremental', 'Incremental')], default='full', max_length=12)),
                ('recomputed_from', models.DateTimeField(blank=True, help_text='incremental: the tax-year start computed from', null=True)),
                ('computed_events', models.PositiveIntegerField(default=0, help_text='events the engine was given (checkpoint pass included)')),
                ('started_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('confirmed_at', models.DateTimeField(blank=True, help_text='last time a rebuild found this run right for its settings (or finished it)', null=True)),
                ('based_on', models.ForeignKey(blank=True, help_text='incremental: the run whose rows before recomputed_from were copied', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='books.accountingrun')),
                ('connection', models.ForeignKey(blank=True, help_text='empty: every connection of the user', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='accounting_runs', to='accounts.krakenconnection')),
                ('job', models.ForeignKey(blank=True, help_text='the rebuild job that computed it (its life: heartbeat, cancel, death)', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='accounting_runs', to='jobs.job')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='accounting_runs', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'reports_accountingrun',
                'ordering': ['-started_at'],
            },
        ),
        migrations.CreateModel(
            name='DailyValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('value', models.DecimalField(decimal_places=18, max_digits=38)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='daily_values', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_dailyvalue',
                'ordering': ['date'],
            },
        ),
        migrations.CreateModel(
            name='DepositBasis',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.CharField(help_text="the deposit's ledger id", max_length=120)),
                ('basis', models.DecimalField(decimal_places=18, max_digits=38)),
                ('acquired', models.DateTimeField()),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deposit_bases', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'reports_depositbasis',
                'ordering': ['event_id'],
            },
        ),
        migrations.CreateModel(
            name='DisposalRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.CharField(max_length=120)),
                ('time', models.DateTimeField()),
                ('tax_year', models.PositiveIntegerField()),
                ('asset', models.CharField(max_length=24)),
                ('wallet', models.CharField(blank=True, default='', max_length=64)),
                ('quantity', models.DecimalField(decimal_places=18, max_digits=38)),
                ('proceeds', models.DecimalField(decimal_places=18, max_digits=38)),
                ('basis', models.DecimalField(decimal_places=18, max_digits=38)),
                ('gain', models.DecimalField(decimal_places=18, max_digits=38)),
                ('term', models.CharField(max_length=8)),
                ('reason', models.CharField(blank=True, default='', max_length=64)),
                ('proceeds_source', models.TextField(blank=True, default='')),
                ('lots', models.JSONField(default=list, help_text='the lots consumed, amounts as strings')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disposals', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_disposalrow',
                'ordering': ['time', 'event_id'],
            },
        ),
        migrations.CreateModel(
            name='FuturesRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('log_id', models.BigIntegerField()),
                ('time', models.DateTimeField()),
                ('tax_year', models.PositiveIntegerField()),
                ('contract', models.CharField(blank=True, default='', max_length=64)),
                ('currency', models.CharField(max_length=16)),
                ('info', models.CharField(blank=True, default='', max_length=64)),
                ('realized_pnl', models.DecimalField(decimal_places=18, max_digits=38)),
                ('funding', models.DecimalField(decimal_places=18, max_digits=38)),
                ('fee', models.DecimalField(decimal_places=18, max_digits=38)),
                ('pnl_value', models.DecimalField(decimal_places=18, help_text="in the run's base currency", max_digits=38)),
                ('funding_value', models.DecimalField(decimal_places=18, max_digits=38)),
                ('fee_value', models.DecimalField(decimal_places=18, max_digits=38)),
                ('source', models.TextField(blank=True, default='')),
                ('connection', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.krakenconnection')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='futures_rows', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_futuresrow',
                'ordering': ['time', 'log_id'],
            },
        ),
        migrations.CreateModel(
            name='IncomeRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.CharField(max_length=120)),
                ('time', models.DateTimeField()),
                ('tax_year', models.PositiveIntegerField()),
                ('asset', models.CharField(max_length=24)),
                ('quantity', models.DecimalField(decimal_places=18, max_digits=38)),
                ('value', models.DecimalField(decimal_places=18, max_digits=38)),
                ('income_type', models.CharField(max_length=32)),
                ('taxable', models.BooleanField(default=True)),
                ('source', models.TextField(blank=True, default='')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='income', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_incomerow',
                'ordering': ['time', 'event_id'],
            },
        ),
        migrations.CreateModel(
            name='LotRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('lot_id', models.CharField(max_length=120)),
                ('asset', models.CharField(max_length=24)),
                ('wallet', models.CharField(blank=True, default='', max_length=64)),
                ('acquired', models.DateTimeField(blank=True, null=True)),
                ('quantity', models.DecimalField(decimal_places=18, max_digits=38)),
                ('cost_basis', models.DecimalField(decimal_places=18, max_digits=38)),
                ('source', models.TextField(blank=True, default='')),
                ('held_outside', models.BooleanField(default=False, help_text="withdrawn to the user's own wallet, not yet deposited back")),
                ('withdrawal_id', models.CharField(blank=True, default='', max_length=120)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lots', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_lotrow',
                'ordering': ['asset', 'acquired'],
            },
        ),
        migrations.CreateModel(
            name='MarginRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.CharField(max_length=64)),
                ('pair', models.CharField(blank=True, default='', max_length=32)),
                ('side', models.CharField(blank=True, default='', max_length=8)),
                ('opened', models.DateTimeField(blank=True, null=True)),
                ('closed', models.DateTimeField()),
                ('tax_year', models.PositiveIntegerField()),
                ('volume', models.DecimalField(decimal_places=18, max_digits=38)),
                ('currency', models.CharField(max_length=16)),
                ('pnl', models.DecimalField(decimal_places=18, help_text="Kraken's net, in the position's currency", max_digits=38)),
                ('trade_fees', models.DecimalField(decimal_places=18, max_digits=38)),
                ('rollover_fees', models.DecimalField(decimal_places=18, max_digits=38)),
                ('settlement_fees', models.DecimalField(decimal_places=18, max_digits=38)),
                ('pnl_value', models.DecimalField(decimal_places=18, help_text="in the run's base currency", max_digits=38)),
                ('fees_value', models.DecimalField(decimal_places=18, help_text="in the run's base currency", max_digits=38)),
                ('source', models.TextField(blank=True, default='')),
                ('ledger_ids', models.JSONField(default=list)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='margin_rows', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_marginrow',
                'ordering': ['closed', 'position'],
            },
        ),
        migrations.CreateModel(
            name='RunCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('boundary', models.DateTimeField(help_text='start of a tax year; the lots are those held before')),
                ('rows_digest', models.CharField(help_text='ledger rows before the boundary', max_length=64)),
                ('events_digest', models.CharField(help_text='classified events before it', max_length=64)),
                ('lots', models.JSONField(default=list, help_text='OpenLot fields, amounts as strings')),
                ('realized', models.JSONField(default=dict, help_text='realized gain per asset before it')),
                ('outside', models.JSONField(default=list, help_text='HeldOutside fields: lots withdrawn')),
                ('run', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='checkpoint', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_runcheckpoint',
            },
        ),
        migrations.CreateModel(
            name='UnknownBasisDepositRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.CharField(max_length=120)),
                ('time', models.DateTimeField()),
                ('asset', models.CharField(max_length=24)),
                ('wallet', models.CharField(blank=True, default='', max_length=64)),
                ('deposited', models.DecimalField(decimal_places=18, max_digits=38)),
                ('returned', models.DecimalField(decimal_places=18, help_text='units that had been withdrawn before', max_digits=38)),
                ('quantity', models.DecimalField(decimal_places=18, help_text='units of unknown history', max_digits=38)),
                ('basis', models.DecimalField(decimal_places=18, max_digits=38)),
                ('acquired', models.DateTimeField()),
                ('basis_source', models.TextField(blank=True, default='')),
                ('gain', models.DecimalField(decimal_places=18, help_text='what the disposals of these units added', max_digits=38)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unknown_bases', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_unknownbasisdepositrow',
                'ordering': ['time', 'event_id'],
            },
        ),
        migrations.CreateModel(
            name='YearResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveIntegerField()),
                ('summary', models.JSONField(help_text='summarise_tax_year() output, amounts as strings')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='years', to='books.accountingrun')),
            ],
            options={
                'db_table': 'reports_yearresult',
                'ordering': ['year'],
            },
        ),
        migrations.AddIndex(
            model_name='accountingrun',
            index=models.Index(fields=['user', 'state', '-started_at'], name='run_user_latest'),
        ),
        migrations.AddConstraint(
            model_name='dailyvalue',
            constraint=models.UniqueConstraint(fields=('run', 'date'), name='unique_run_day'),
        ),
        migrations.AddConstraint(
            model_name='depositbasis',
            constraint=models.UniqueConstraint(fields=('user', 'event_id'), name='unique_deposit_basis'),
        ),
        migrations.AddIndex(
            model_name='disposalrow',
            index=models.Index(fields=['run', 'tax_year'], name='disposal_run_year'),
        ),
        migrations.AddIndex(
            model_name='futuresrow',
            index=models.Index(fields=['run', 'tax_year'], name='futures_run_year'),
        ),
        migrations.AddIndex(
            model_name='marginrow',
            index=models.Index(fields=['run', 'tax_year'], name='margin_run_year'),
        ),
        migrations.AddConstraint(
            model_name='yearresult',
            constraint=models.UniqueConstraint(fields=('run', 'year'), name='unique_run_year'),
        ),
    ])]
