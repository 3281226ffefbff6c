"""The Odoo models the sandbox serves, each with the rules odoosync depends on."""
