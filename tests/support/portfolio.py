"""Generated history for the round-trip, crash, fault and speed tests: the sample portfolio's contacts plus N
rent payments with random charges, VAT rates and partial payments (seeded, so every run sees the same data)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from odoosync.domain.money import tax_amount

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
RATES = {"15": Decimal("0.15"), "0": Decimal(0), "exempt": Decimal(0)}


def sample_documents(name: str = "portfolio.ndjson") -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SAMPLES / name).read_text().splitlines() if line.strip()]


def rent_payments(count: int, *, seed: int = 7, start: date = date(2026, 1, 1)) -> list[dict[str, Any]]:
    """`count` approved rent payments of the sample tenants and owners; about one in four paid in part."""
    contacts = [d for d in sample_documents() if d["type"] == "contact"]
    tenants = [c["id"] for c in contacts if "tenant" in c["roles"]]
    owners = [c["id"] for c in contacts if "owner" in c["roles"]]
    rng = random.Random(seed)
    documents = []
    for number in range(1, count + 1):
        charges = [
            {
                "kind": "rent",
                "amount": f"{rng.randint(1500, 12000)}.{rng.randint(0, 99):02d}",
                "vat_rate": rng.choice(["15", "exempt"]),
            }
        ]
        if rng.random() < 0.5:
            charges.append({"kind": "services", "amount": f"{rng.randint(50, 900)}.00", "vat_rate": "15"})
        # Odoo's total due: the tax rounded per line.
        due = sum(
            Decimal(c["amount"]) + tax_amount(Decimal(c["amount"]), RATES[c["vat_rate"]] * 100, "SAR") for c in charges
        )
        paid = (
            due
            if rng.random() < 0.75
            else (due * Decimal(rng.randint(30, 95)) / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        )
        day = start + timedelta(days=rng.randint(0, 300))
        documents.append(
            {
                "type": "rent_payment",
                "id": f"GEN-{number:05d}",
                "status": "approved",
                "tenant_id": rng.choice(tenants),
                "owner_id": rng.choice(owners),
                "property": rng.choice(["Olaya Tower", "Al Malqa Villas", "King Road Plaza"]),
                "unit": f"{rng.randint(1, 20)}{rng.choice('ABCD')}",
                "period_start": day.replace(day=1).isoformat(),
                "period_end": (day.replace(day=1) + timedelta(days=27)).isoformat(),
                "charges": charges,
                "amount_paid": str(paid),
                "paid_on": day.isoformat(),
                "method": rng.choice(["mada", "bank_transfer", "cash"]),
                "reference": f"TRX-{number:06d}",
            }
        )
    return documents


def write_ndjson(path: Path, documents: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents))
    return path


def expense_using(category: str, record_id: str) -> dict[str, Any]:
    """A verified expense of a sample vendor and owner with one line of `category` (its ids made a live run's own
    by `tagged`)."""
    return {
        "type": "expense",
        "id": record_id,
        "status": "verified",
        "vendor_id": "C-5002",
        "owner_id": "C-9002",
        "property": "Al Malqa Villas",
        "bill_date": "2026-04-06",
        "lines": [{"category": category, "amount": "100.00", "vat_rate": "15"}],
        "currency": "SAR",
        "updated_at": "2026-04-06T15:00:00+03:00",
    }
