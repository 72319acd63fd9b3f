"""Kraken portfolio and tax accounting: the Django project and its core app.

The Celery app is loaded in PortfolioConfig.ready(), not here, so that the pure packages
(portfolio.kraken, portfolio.accounting, portfolio.simulator) import without Django.
"""
