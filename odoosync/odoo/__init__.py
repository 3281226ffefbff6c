"""Talking to Odoo: transport (JSON-RPC, JSON-2), typed client, errors, version differences (issue 4)."""
