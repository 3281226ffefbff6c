"""What a record becomes in Odoo: the models (`documents`), the values (`builders`, pure), what a run reads of
Odoo once (`facts`), whether the mappings' targets are still usable (`targets`), and the markers that find a
document again (`markers`). Knows nothing of how records arrive (ingest) or how they are sent (push)."""
