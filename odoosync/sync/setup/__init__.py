"""Setting up: the workspace a command opens, the connection to Odoo, the defaults, owners and mappings, the Setup
Assistant, the Arabic language and the Rent product. Imports nothing of the pipeline or the checks."""
