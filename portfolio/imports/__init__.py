"""CSV import of Kraken's exports into a connection (service, merge rules, job record)."""
