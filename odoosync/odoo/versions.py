"""What differs between the Odoo versions odoosync supports, in one table that every caller uses."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED = (16, 17, 18, 19, 20)
JSON2_SINCE = 19


@dataclass(frozen=True)
class OdooVersion:
    """The server's version and the names and rules that follow from it."""

    major: int
    label: str  # server_version as the server reports it, e.g. "17.0" or "18.0+e-20241002"

    @classmethod
    def from_info(cls, info: dict[str, object]) -> OdooVersion:
        """From common.version's answer. SaaS builds report e.g. 'saas~17.2': the major is the number after '~'."""
        raw = (info.get("server_version_info") or [0])[0]  # type: ignore[index]
        text = str(raw)
        major = int(float(text.split("~", 1)[1])) if "~" in text else int(text)
        return cls(major=major, label=str(info.get("server_version") or text))

    @property
    def supported(self) -> bool:
        return self.major in SUPPORTED

    @property
    def has_json2(self) -> bool:
        return self.major >= JSON2_SINCE

    # --- field names and values that moved ---

    @property
    def payment_memo(self) -> str:
        """account.payment's free text: `ref` up to 17, `memo` from 18."""
        return "ref" if self.major <= 17 else "memo"

    @property
    def product_type(self) -> str:
        """The product type field: `detailed_type` up to 17, `type` from 18 (both take 'service')."""
        return "detailed_type" if self.major <= 17 else "type"

    @property
    def account_company(self) -> str:
        """account.account's company: `company_id` (many2one) up to 17, `company_ids` (many2many) from 18."""
        return "company_id" if self.major <= 17 else "company_ids"

    @property
    def account_usable(self) -> tuple[str, bool]:
        """The domain leaf value meaning "may be used": `deprecated = False` up to 18, `active = True` from 19."""
        return ("deprecated", False) if self.major <= 18 else ("active", True)

    @property
    def tax_price_include(self) -> str:
        """`price_include` (a stored boolean) up to 17; from 18 `price_include_override` on the tax."""
        return "price_include" if self.major <= 17 else "price_include_override"

    @property
    def partner_has_mobile(self) -> bool:
        """res.partner.mobile: up to 18; Odoo 19 keeps one phone number."""
        return self.major <= 18

    @property
    def posted_payment_state(self) -> str:
        """account.payment's state right after posting: `posted` up to 17, `in_process` from 18."""
        return "posted" if self.major <= 17 else "in_process"

    @property
    def draft_name(self) -> str | bool:
        """What a draft invoice's name reads as (besides the first of a period up to 17): '/' or False."""
        return "/" if self.major <= 17 else False

    @property
    def credit_note_method(self) -> str:
        """The reversal wizard's button: `reverse_moves` (16, with refund_method) or `refund_moves` (17+)."""
        return "reverse_moves" if self.major <= 16 else "refund_moves"

    @property
    def has_group_on_records(self) -> bool:
        """res.users.has_group: an @api.model method in 16 (no ids), a method of the user record from 17."""
        return self.major >= 17

    @property
    def name_search_domain(self) -> str:
        """name_search's domain keyword: `args` up to 18, `domain` from 19."""
        return "args" if self.major <= 18 else "domain"
