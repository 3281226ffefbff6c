"""A small in-memory ORM with the parts of Odoo's that the external API shows."""
