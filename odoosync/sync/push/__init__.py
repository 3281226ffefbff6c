"""Sending the queue to Odoo: the engine claims batches of jobs, pushes what `build` made of their records, and
records the links and outcomes; `leases` keeps a batch's jobs leased while it works."""
