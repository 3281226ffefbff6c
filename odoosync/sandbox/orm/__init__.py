"""A small in-memory ORM with the parts of Odoo's that the external API shows.

`database` holds the tables and runs each call as one transaction; `environment` says who calls, with which
context; `fields` converts values between the external API and the tables; `model` is the base of every model,
with the generic methods of the external API; `domains` evaluates search domains and orders the results.
"""
