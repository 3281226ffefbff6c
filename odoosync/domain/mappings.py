"""Mappings: an app code's Odoo object (category → account, method → journal, VAT rate → tax, owner → company…)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MappingKind(StrEnum):
    OWNER_COMPANY = "owner_company"
    OWNER_ANALYTIC = "owner_analytic"
    VAT_SALE = "vat_sale"  # VAT rate code → the sale tax
    VAT_PURCHASE = "vat_purchase"  # VAT rate code → the purchase tax


# Mappings that are not kept per Odoo company have company 0 (Odoo ids start at 1).
ANY_COMPANY = 0


@dataclass(frozen=True, slots=True)
class Mapping:
    kind: str
    code: str
    company_id: int
    odoo_model: str
    odoo_id: int
    odoo_name: str
