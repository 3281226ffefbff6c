"""Mappings: an app code's Odoo object (category → account, method → journal, VAT rate → tax, owner → company…).

Codes are free text from the app, in English or Arabic: two codes are the same code when they are equal after
trimming, NFKC normalisation and case folding ("Plumbing " and "plumbing" are one code).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class MappingKind(StrEnum):
    CATEGORY = "category"  # expense category → expense account
    METHOD = "method"  # payment method → bank or cash journal (and its payment method lines)
    VAT_SALE = "vat_sale"  # VAT rate code → the sale tax
    VAT_PURCHASE = "vat_purchase"  # VAT rate code → the purchase tax
    OWNER_COMPANY = "owner_company"
    OWNER_ANALYTIC = "owner_analytic"


# Mappings that are not kept per Odoo company have company 0 (Odoo ids start at 1).
ANY_COMPANY = 0


def normalize_code(text: str) -> str:
    """The form in which codes are compared and stored."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


@dataclass(frozen=True, slots=True)
class Mapping:
    kind: str
    code: str
    company_id: int
    odoo_model: str
    odoo_id: int
    odoo_name: str
    extra: dict[str, Any] = field(default_factory=dict)
