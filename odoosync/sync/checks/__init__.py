"""The accountant's checks and views: they read what the pipeline wrote (records, jobs, links) and what Odoo holds,
and never take part in the pipeline: plan, reconcile, doctor, adopt, health, a record's status, the queue."""
