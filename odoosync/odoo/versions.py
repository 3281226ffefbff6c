"""What differs between the Odoo versions odoosync supports, in one table that every caller uses."""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED = (16, 17, 18, 19, 20)
JSON2_SINCE = 19

# The external RPC API (/xmlrpc, /xmlrpc/2, /jsonrpc) is deprecated from Odoo 19. Its `common` and `object` services,
# the two odoosync's JSON-RPC transport uses, are scheduled for removal in Odoo 22 (fall 2028) and on Odoo Online
# from 21.1 (winter 2027); its `db` service (which odoosync does not use) goes in Odoo 20 and Online 19.1. Source:
# odoo/documentation content/developer/reference/external_rpc_api.rst @ 64e81e4e (".. deprecated:: 19.0" notice).
# Earlier texts said "removal in Odoo 20": the 19.0 server's own log line (addons/rpc/controllers/__init__.py
# RPC_DEPRECATION_NOTICE) and the same page @ 02e665ac; the docs later moved it to 22. No header tells a client:
# Odoo 19 only logs that warning on the server, at every call.
JSONRPC_DEPRECATED_SINCE = 19
JSONRPC_REMOVAL = "Odoo 22 (fall 2028)"
JSONRPC_REMOVAL_ONLINE = "Odoo Online 21.1 (winter 2027)"

# res.users.apikeys.expiration_date (a Datetime, UTC) arrived in Odoo 18.0: odoo/addons/base/models/res_users.py of
# 18.0 (release 18.0+e-20241002) has it, 17.0 has not. From 18 Odoo refuses a key past its expiration at login
# (APIKeys._check_credentials: `expiration_date IS NULL OR expiration_date >= now()`), an autovacuum deletes expired
# keys, and users who are not administrators must give every new key an expiration (base.group_user: at most
# 90 days, api_key_duration). A user reads their own keys (ir.model.access: read for internal and portal users;
# ir.rule api_key_user: user_id = user.id; administrators read all, api_key_admin). Odoo does not say which of
# them a caller used: the key's index column is not a field.
API_KEY_EXPIRY_SINCE = 18


@dataclass(frozen=True)
class OdooVersion:
    """The server's version and the names and rules that follow from it."""

    major: int
    label: str  # server_version as the server reports it, e.g. "17.0" or "18.0+e-20241002"

    @classmethod
    def from_info(cls, info: dict[str, object]) -> OdooVersion:
        """From common.version's answer. SaaS builds report e.g. 'saas~17.2': the major is the number after '~'."""
        given = info.get("server_version_info")
        raw = given[0] if isinstance(given, list | tuple) and given else given
        text = str(raw)
        try:
            major = int(float(text.split("~", 1)[1])) if "~" in text else int(text)
        except (ValueError, OverflowError):
            raise ValueError(f"server_version_info {str(given)[:60]!r} is not an Odoo version") from None
        return cls(major=major, label=str(info.get("server_version") or text)[:60])

    @property
    def supported(self) -> bool:
        return self.major in SUPPORTED

    @property
    def has_json2(self) -> bool:
        return self.major >= JSON2_SINCE

    @property
    def online(self) -> bool:
        """An Odoo Online build between majors ("saas~18.2"): Online gets each version months before on-premise."""
        return self.label.startswith("saas~")

    @property
    def jsonrpc_deprecated(self) -> bool:
        """Whether Odoo deprecates /jsonrpc on this server (and schedules its removal): from 19."""
        return self.major >= JSONRPC_DEPRECATED_SINCE

    @property
    def jsonrpc_removal(self) -> str:
        """When /jsonrpc is to go, as it applies to this server (an Online build follows Online's schedule)."""
        return JSONRPC_REMOVAL_ONLINE if self.online else f"{JSONRPC_REMOVAL} and {JSONRPC_REMOVAL_ONLINE}"

    @property
    def api_key_expiry(self) -> bool:
        """Whether API keys have an expiration date (res.users.apikeys.expiration_date): from 18."""
        return self.major >= API_KEY_EXPIRY_SINCE

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
    def partner_default_get_argument(self) -> str:
        """res.partner overrides default_get: `default_get(self, default_fields)` up to 18, `fields` in 19 (a
        keyword argument must use that name; the ORM's own `fields_list` is refused)."""
        return "default_fields" if self.major <= 18 else "fields"

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
        """res.users.has_group: an @api.model method up to 17 (no ids: it answers for the caller), a method of the
        user record from 18 (checked on real 17.0 and 18.0 servers: 17 refuses ids with "got multiple values for
        argument 'group_ext_id'")."""
        return self.major >= 18

    @property
    def tax_label_fields(self) -> tuple[str, ...]:
        """account.tax's label on invoices: `description` up to 16 (read always); `invoice_label` from 17, when
        `description` became a longer text (HTML from 18)."""
        return () if self.major <= 16 else ("invoice_label",)

    @property
    def outstanding_accounts_on_company(self) -> bool:
        """Where a payment books when its method line has no account: the company's
        `account_journal_payment_debit/credit_account_id` up to 17; from 18 the chart's accounts of those XML ids
        (`account.<company>_account_journal_payment_debit_account_id`), the fields being gone from res.company."""
        return self.major <= 17

    @property
    def name_search_domain(self) -> str:
        """name_search's domain keyword: `args` up to 18, `domain` from 19."""
        return "args" if self.major <= 18 else "domain"
