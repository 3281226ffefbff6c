"""Reads the Saudi company of a real Odoo through the external API and writes the chart the sandbox seeds from:
odoosync/sandbox/charts/sa-<major>.json. Run against a fresh database with l10n_sa:
`python -m tests.support.read_chart odoosync/sandbox/charts/sa-17.json` with ODOOSYNC_LIVE_* set.

ODOOSYNC_LIVE_URL, _DB, _LOGIN and _API_KEY name the server. Only read methods are ever called, so it is safe on any
database; records that test runs leave behind (named ODOOSYNC..., or accounts and taxes that no chart made) are left
out. Works on Odoo 16 to 19: field names are looked up with fields_get rather than guessed from the version.
Standard library only, so that it runs with any Python next to any server.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

READ_METHODS = frozenset({"fields_get", "search", "search_read", "read", "search_count", "default_get"})
SERVICE_CALLS = frozenset({("common", "version"), ("common", "authenticate"), ("object", "execute_kw")})
CHARTS = Path(__file__).resolve().parents[2] / "odoosync" / "sandbox" / "charts"
TEST_PREFIX = "ODOOSYNC"

Row = dict[str, Any]


class RpcError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


class Odoo:
    def __init__(self, url: str, db: str, login: str, key: str) -> None:
        self.url = url.rstrip("/") + "/jsonrpc"
        self.db = db
        self._key = key
        self._fields: dict[str, dict[str, Row]] = {}
        self.version_info = self._call("common", "version", [])
        self.uid = self._call("common", "authenticate", [db, login, key, {}])
        if not self.uid:
            raise SystemExit("authentication failed (check ODOOSYNC_LIVE_LOGIN and ODOOSYNC_LIVE_API_KEY)")

    def __repr__(self) -> str:  # the key stays out of tracebacks and debuggers
        return f"Odoo({self.url!r}, db={self.db!r})"

    def _call(self, service: str, method: str, args: list[Any]) -> Any:
        if (service, method) not in SERVICE_CALLS:
            raise RuntimeError(f"refusing {service}.{method}: this script only reads")
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"service": service, "method": method, "args": args},
        }
        request = urllib.request.Request(self.url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            data = json.load(response)
        if data.get("error"):
            error = data["error"].get("data") or {}
            raise RpcError(
                error.get("name") or data["error"].get("message"), error.get("message") or str(data["error"])
            )
        return data["result"]

    def x(self, model: str, method: str, *args: Any, **kw: Any) -> Any:
        if method not in READ_METHODS:
            raise RuntimeError(f"refusing {model}.{method}: this script only reads")
        return self._call("object", "execute_kw", [self.db, self.uid, self._key, model, method, list(args), kw])

    def fields(self, model: str) -> dict[str, Row]:
        if model not in self._fields:
            try:
                self._fields[model] = self.x(model, "fields_get", attributes=["type", "relation"])
            except RpcError:  # model not installed on this version: its fields are simply absent
                self._fields[model] = {}
        return self._fields[model]

    def has(self, model: str, field: str) -> bool:
        return field in self.fields(model)

    def have(self, model: str, names: list[str]) -> list[str]:
        fields = self.fields(model)
        return [n for n in names if n in fields]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(value: Any, html: bool) -> str | None:
    """Text of a Char or Html field; None when empty (Odoo sends False, or an empty <p>, for no text)."""
    if not value:
        return None
    if html:
        parser = _Text()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    return " ".join(value.split()) or None


def m2o_id(value: Any) -> int | None:
    if isinstance(value, list):
        return value[0] if value else None
    return value or None


def num(value: Any) -> str | None:
    """Floats as strings (15 -> '15.0'), so that the file never depends on how a JSON writer prints them."""
    if value is None or value is False:
        return None
    return repr(float(value))


def is_test(row: Row, *keys: str) -> bool:
    return any(isinstance(row.get(k), str) and row[k].startswith(TEST_PREFIX) for k in keys)


def read_chart(o: Odoo) -> dict[str, Any]:
    version = o.version_info.get("server_version")
    user = o.x("res.users", "read", [o.uid], fields=["company_id"])[0]
    cid = user["company_id"][0]
    base_ctx = {"allowed_company_ids": [cid], "force_company": cid, "active_test": False}
    en = dict(base_ctx, lang="en_US")
    ar = dict(base_ctx, lang="ar_001")

    def read(model: str, ids: list[int], fields: list[str], ctx: Row = en) -> list[Row]:
        if not ids:
            return []
        return o.x(model, "read", list(ids), fields=o.have(model, fields), context=ctx)

    def search_read(model: str, domain: list[Any], fields: list[str], order: str | None = None) -> list[Row]:
        kw: Row = {"fields": o.have(model, fields), "context": en}
        if order:
            kw["order"] = order
        return o.x(model, "search_read", domain, **kw)

    def names_ar(model: str, ids: list[int]) -> dict[int, str]:
        return {r["id"]: r.get("name") for r in read(model, ids, ["name"], ar)}

    def xml_ids(model: str, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = o.x(
            "ir.model.data",
            "search_read",
            [("model", "=", model), ("res_id", "in", list(ids))],
            fields=["module", "name", "res_id"],
            order="id",
            context=en,
        )
        out: dict[int, str] = {}
        for r in rows:
            out.setdefault(r["res_id"], f"{r['module']}.{r['name']}")
        return out

    def country_code(value: Any) -> str | None:
        country_id = m2o_id(value)
        return read("res.country", [country_id], ["code"])[0]["code"] if country_id else None

    # What the kept records point at, to prove the file is whole once the leftovers are gone.
    used_accounts: set[str] = set()
    used_taxes: set[str] = set()
    used_journals: set[str] = set()
    used_tax_groups: set[str] = set()

    def lookup(model: str, field: str, cache: dict[int, str | None], used: set[str]) -> Any:
        def get(value: Any) -> str | None:
            record_id = m2o_id(value)
            if not record_id:
                return None
            if record_id not in cache:
                rows = read(model, [record_id], [field])
                cache[record_id] = rows[0][field] if rows else None
            if cache[record_id]:
                used.add(cache[record_id])
            return cache[record_id]

        return get

    account_code: dict[int, str | None] = {}
    tax_name: dict[int, str | None] = {}
    journal_code: dict[int, str | None] = {}
    tax_group_name: dict[int, str | None] = {}
    acode = lookup("account.account", "code", account_code, used_accounts)
    tname = lookup("account.tax", "name", tax_name, used_taxes)
    jcode = lookup("account.journal", "code", journal_code, used_journals)
    tgname = lookup("account.tax.group", "name", tax_group_name, used_tax_groups)

    tag_name: dict[int, str] = {}

    def tag_names(ids: list[int]) -> list[str]:
        for r in read("account.account.tag", [i for i in ids if i not in tag_name], ["name"]):
            tag_name[r["id"]] = r["name"]
        return sorted(n for n in (tag_name.get(i) for i in ids) if n and not n.startswith(TEST_PREFIX))

    # ---------------------------------------------------------------- accounts
    # 18+ shares accounts between companies (company_ids); 16-17 has one company per account
    company_field = "company_ids" if o.has("account.account", "company_ids") else "company_id"
    acc_rows = search_read(
        "account.account",
        [(company_field, "in", [cid])],
        ["code", "name", "account_type", "reconcile", "deprecated", "active", "tag_ids"],
    )
    acc_rows = [r for r in acc_rows if not is_test(r, "code", "name")]
    account_code.update({r["id"]: r["code"] for r in acc_rows})
    acc_ar = names_ar("account.account", [r["id"] for r in acc_rows])
    acc_xml = xml_ids("account.account", [r["id"] for r in acc_rows])
    accounts = [
        {
            "code": r["code"],
            "name": r["name"],
            "name_ar": acc_ar.get(r["id"]),
            "account_type": r.get("account_type"),
            "reconcile": bool(r.get("reconcile")),
            # 19 dropped `deprecated` for `active`; either way the account is not offered for new entries
            "deprecated_or_inactive": (not r["active"]) if "active" in r else bool(r.get("deprecated")),
            "tags": tag_names(r.get("tag_ids") or []),
            "xml_id": acc_xml.get(r["id"]),
        }
        for r in acc_rows
    ]

    # ---------------------------------------------------------------- tax groups
    tg_fields = o.fields("account.tax.group")
    tg_accounts = sorted(
        f for f, d in tg_fields.items() if d.get("type") == "many2one" and d.get("relation") == "account.account"
    )
    tg_domain = [("company_id", "=", cid)] if "company_id" in tg_fields else []  # 16: tax groups are global
    tg_rows = search_read("account.tax.group", tg_domain, ["name", "sequence", *tg_accounts], order="sequence,id")
    tg_rows = [r for r in tg_rows if not is_test(r, "name")]
    tax_group_name.update({r["id"]: r["name"] for r in tg_rows})
    tg_ar = names_ar("account.tax.group", [r["id"] for r in tg_rows])
    tax_groups = []
    for r in tg_rows:
        group = {"name": r["name"], "name_ar": tg_ar.get(r["id"]), "sequence": r.get("sequence")}
        group.update({f: acode(r.get(f)) for f in tg_accounts})
        tax_groups.append(group)

    # ---------------------------------------------------------------- taxes
    tax_fields = o.fields("account.tax")
    tax_rows = search_read(
        "account.tax",
        [("company_id", "=", cid)],
        [
            "name",
            "description",
            "invoice_label",
            "type_tax_use",
            "amount_type",
            "amount",
            "price_include",
            "include_base_amount",
            "active",
            "sequence",
            "tax_group_id",
            "tax_scope",
            "repartition_line_ids",
            "invoice_repartition_line_ids",
            "refund_repartition_line_ids",
        ],
        order="sequence,id",
    )
    tax_xml = xml_ids("account.tax", [r["id"] for r in tax_rows])
    tax_rows = [r for r in tax_rows if not is_test(r, "name", "description") and r["id"] in tax_xml]
    tax_name.update({r["id"]: r["name"] for r in tax_rows})
    tax_ar = names_ar("account.tax", [r["id"] for r in tax_rows])
    rep_fields = [
        "document_type",
        "repartition_type",
        "factor_percent",
        "account_id",
        "tag_ids",
        "use_in_tax_closing",
        "sequence",
    ]
    taxes = []
    for r in tax_rows:
        lines: list[tuple[str, Row]] = []
        if "repartition_line_ids" in tax_fields:  # 17+: one list, each line says whether it is invoice or refund
            lines = [
                (line["document_type"], line)
                for line in read("account.tax.repartition.line", r.get("repartition_line_ids") or [], rep_fields)
            ]
        else:
            for doc, key in (("invoice", "invoice_repartition_line_ids"), ("refund", "refund_repartition_line_ids")):
                lines += [(doc, line) for line in read("account.tax.repartition.line", r.get(key) or [], rep_fields)]
        lines.sort(key=lambda dl: ({"invoice": 0, "refund": 1}.get(dl[0], 9), dl[1].get("sequence") or 0, dl[1]["id"]))
        repartition = []
        for doc, line in lines:
            item = {
                "document_type": doc,
                "repartition_type": line.get("repartition_type"),
                "factor_percent": num(line.get("factor_percent")),
                "account": acode(line.get("account_id")),
                "tags": tag_names(line.get("tag_ids") or []),
            }
            if "use_in_tax_closing" in line:
                item["use_in_tax_closing"] = bool(line["use_in_tax_closing"])
            repartition.append(item)
        tax = {
            "name": r["name"],
            "name_ar": tax_ar.get(r["id"]),
            # an Html field from 18 on (`<div>Exempt</div>`); the sandbox wants the words
            "description": plain(r.get("description"), tax_fields.get("description", {}).get("type") == "html"),
            "type_tax_use": r.get("type_tax_use"),
            "amount_type": r.get("amount_type"),
            "amount": num(r.get("amount")),
            "price_include": bool(r.get("price_include")),
            "include_base_amount": bool(r.get("include_base_amount")),
            "active": bool(r.get("active")),
            "sequence": r.get("sequence"),
            "tax_group": tgname(r.get("tax_group_id")),
            "xml_id": tax_xml[r["id"]],
            "repartition": repartition,
        }
        if "invoice_label" in r:
            tax["invoice_label"] = plain(
                r.get("invoice_label"), tax_fields.get("invoice_label", {}).get("type") == "html"
            )
        if "tax_scope" in r:
            tax["tax_scope"] = r.get("tax_scope") or None
        taxes.append(tax)

    # ---------------------------------------------------------------- journals
    j_rows = search_read(
        "account.journal",
        [("company_id", "=", cid)],
        [
            "code",
            "name",
            "type",
            "sequence",
            "default_account_id",
            "suspense_account_id",
            "profit_account_id",
            "loss_account_id",
            "currency_id",
            "active",
            "inbound_payment_method_line_ids",
            "outbound_payment_method_line_ids",
        ],
        order="sequence,id",
    )
    j_rows = [r for r in j_rows if not is_test(r, "code", "name")]
    journal_code.update({r["id"]: r["code"] for r in j_rows})
    j_ar = names_ar("account.journal", [r["id"] for r in j_rows])
    pm_code: dict[int, str] = {}

    def pm_lines(ids: list[int]) -> list[Row]:
        rows = read("account.payment.method.line", ids, ["name", "payment_method_id", "sequence", "payment_account_id"])
        rows = [x for x in rows if not is_test(x, "name")]
        need = {m2o_id(x.get("payment_method_id")) for x in rows} - set(pm_code) - {None}
        for pm in read("account.payment.method", sorted(need), ["code"]):
            pm_code[pm["id"]] = pm["code"]
        rows.sort(key=lambda x: (x.get("sequence") or 0, x["id"]))
        return [
            {
                "name": x.get("name"),
                "code": pm_code.get(m2o_id(x.get("payment_method_id"))),
                "sequence": x.get("sequence"),
                "payment_account": acode(x.get("payment_account_id")),
            }
            for x in rows
        ]

    journals = []
    for r in j_rows:
        journal = {
            "code": r["code"],
            "name": r["name"],
            "name_ar": j_ar.get(r["id"]),
            "type": r["type"],
            "sequence": r.get("sequence"),
            "default_account": acode(r.get("default_account_id")),
            "suspense_account": acode(r.get("suspense_account_id")),
            "currency": r["currency_id"][1] if r.get("currency_id") else None,
            "active": bool(r.get("active")),
            "inbound_payment_method_lines": pm_lines(r.get("inbound_payment_method_line_ids") or []),
            "outbound_payment_method_lines": pm_lines(r.get("outbound_payment_method_line_ids") or []),
        }
        for field, key in (("profit_account_id", "profit_account"), ("loss_account_id", "loss_account")):
            if field in r:
                journal[key] = acode(r.get(field))
        journals.append(journal)

    # ---------------------------------------------------------------- company
    company_fields = o.fields("res.company")
    company_links = sorted(
        f
        for f, d in company_fields.items()
        if d.get("type") == "many2one" and d.get("relation") in ("account.account", "account.journal")
    )
    comp = read(
        "res.company",
        [cid],
        [
            "name",
            "currency_id",
            "country_id",
            "chart_template",
            "chart_template_id",
            "account_sale_tax_id",
            "account_purchase_tax_id",
            *company_links,
        ],
    )[0]
    if "chart_template" in comp:  # 17+: the template is a code
        chart_template = comp["chart_template"] or None
    elif comp.get("chart_template_id"):  # 16: a record, named by its xml id
        template_id = comp["chart_template_id"][0]
        chart_template = (
            xml_ids("account.chart.template", [template_id]).get(template_id) or comp["chart_template_id"][1]
        )
    else:
        chart_template = None
    company = {
        "name": comp["name"],
        "currency": comp["currency_id"][1],
        "country": country_code(comp.get("country_id")),
        "chart_template": chart_template,
        "account_sale_tax": tname(comp.get("account_sale_tax_id")),
        "account_purchase_tax": tname(comp.get("account_purchase_tax_id")),
    }
    for field in company_links:
        link = acode if company_fields[field]["relation"] == "account.account" else jcode
        company[field] = link(comp.get(field))
    if company["country"] != "SA":
        raise SystemExit(f"company {company['name']!r} is in {company['country']}, not Saudi Arabia: install l10n_sa")
    currency = read(
        "res.currency", [comp["currency_id"][0]], ["name", "symbol", "rounding", "decimal_places", "position"]
    )[0]

    # ---------------------------------------------------------------- product categories
    pc_rows = search_read(
        "product.category",
        [],
        ["name", "complete_name", "property_account_income_categ_id", "property_account_expense_categ_id"],
    )
    product_categories = [
        {
            "name": r["name"],
            "complete_name": r.get("complete_name"),
            "income_account": acode(r.get("property_account_income_categ_id")),
            "expense_account": acode(r.get("property_account_expense_categ_id")),
        }
        for r in pc_rows
        if not is_test(r, "name", "complete_name")
    ]

    # ---------------------------------------------------------------- partner defaults
    # The receivable and payable a new partner gets; positional, as the parameter's name changed in 19
    partner_fields = ["property_account_receivable_id", "property_account_payable_id"]
    partner_ctx = {k: v for k, v in en.items() if k != "active_test"}
    defaults = o.x("res.partner", "default_get", partner_fields, context=partner_ctx)
    partner_defaults = {f: acode(defaults.get(f)) for f in partner_fields}

    # ---------------------------------------------------------------- fiscal positions
    fp_rows = search_read(
        "account.fiscal.position",
        [("company_id", "=", cid)],
        ["name", "auto_apply", "country_id", "tax_ids", "account_ids", "sequence"],
        order="sequence,id",
    )
    fp_tax_model = (o.fields("account.fiscal.position").get("tax_ids") or {}).get("relation")
    fiscal_positions = []
    for r in fp_rows:
        if is_test(r, "name"):
            continue
        tax_map = []
        if fp_tax_model == "account.fiscal.position.tax":
            for m in read("account.fiscal.position.tax", r.get("tax_ids") or [], ["tax_src_id", "tax_dest_id"]):
                tax_map.append([tname(m.get("tax_src_id")), tname(m.get("tax_dest_id"))])
        elif fp_tax_model == "account.tax":  # 19: tax_ids are the destination taxes, original_tax_ids their sources
            for dest in read("account.tax", r.get("tax_ids") or [], ["name", "original_tax_ids"]):
                tax_map += [[tname(src), tname(dest["id"])] for src in dest.get("original_tax_ids") or []]
        account_map = [
            [acode(m.get("account_src_id")), acode(m.get("account_dest_id"))]
            for m in read(
                "account.fiscal.position.account", r.get("account_ids") or [], ["account_src_id", "account_dest_id"]
            )
        ]
        fiscal_positions.append(
            {
                "name": r["name"],
                "auto_apply": bool(r.get("auto_apply")),
                "country": country_code(r.get("country_id")),
                "tax_map": sorted(tax_map, key=lambda p: [s or "" for s in p]),
                "account_map": sorted(account_map, key=lambda p: [s or "" for s in p]),
            }
        )

    # ---------------------------------------------------------------- payment methods
    payment_methods = [
        {"name": r["name"], "code": r["code"], "payment_type": r["payment_type"]}
        for r in search_read("account.payment.method", [], ["name", "code", "payment_type"])
        if not is_test(r, "name", "code")
    ]

    # ---------------------------------------------------------------- products
    products = []
    for r in search_read("product.template", [], ["name", "type", "detailed_type", "default_code", "active"]):
        if is_test(r, "name", "default_code"):
            continue
        product = {"name": r["name"], "type": r.get("type"), "default_code": r.get("default_code") or None}
        if "detailed_type" in r:
            product["detailed_type"] = r.get("detailed_type")
        if not r.get("active", True):
            product["active"] = False
        products.append(product)

    # ---------------------------------------------------------------- analytic access
    # An admin without Analytic Accounting cannot even list plans: the sandbox reproduces that refusal
    try:
        o.x("account.analytic.plan", "search", [], context=en)
        analytic_readable = True
    except RpcError:
        analytic_readable = False

    languages = sorted(
        r["code"]
        for r in o.x("res.lang", "search_read", [("active", "=", True)], fields=["code"], context={"lang": "en_US"})
    )

    # Leftovers are gone only if nothing kept still points at one; a file with dangling codes would seed a broken chart
    tax_names = {t["name"] for t in taxes}
    dangling = sorted(
        [f"account {c}" for c in used_accounts - {a["code"] for a in accounts}]
        + [f"tax {n}" for n in used_taxes - tax_names]
        + [f"journal {c}" for c in used_journals - {j["code"] for j in journals}]
        + [f"tax group {n}" for n in used_tax_groups - {g["name"] for g in tax_groups}]
    )
    if dangling:
        raise SystemExit("kept records point at left-out ones: " + ", ".join(dangling))
    # Accounts that the chart makes without an xml id (16's bank, cash and suspense accounts) are kept when the chart
    # uses them; any other account without one was made by hand or by a test
    accounts = [a for a in accounts if a["xml_id"] or a["code"] in used_accounts]

    result: dict[str, Any] = {
        "source": f"read from a real Odoo {version} database with l10n_sa by tests/support/read_chart.py",
        "version": version,
        "company": company,
        "accounts": sorted(accounts, key=lambda a: (a["code"] or "", a["name"] or "")),
        "tax_groups": sorted(tax_groups, key=lambda g: (g["sequence"] or 0, g["name"])),
        "taxes": sorted(taxes, key=lambda t: (t["type_tax_use"] or "", t["sequence"] or 0, t["name"], t["xml_id"])),
        "journals": sorted(journals, key=lambda j: (j["sequence"] or 0, j["code"])),
        "product_categories": sorted(product_categories, key=lambda c: c["complete_name"] or c["name"]),
        "partner_defaults": partner_defaults,
        "fiscal_positions": sorted(fiscal_positions, key=lambda f: f["name"]),
        "payment_methods": sorted(payment_methods, key=lambda m: (m["payment_type"], m["code"])),
        "analytic_plans_readable": analytic_readable,
        "currency": {k: currency.get(k) for k in ("name", "symbol", "rounding", "decimal_places", "position")},
        "languages": languages,
    }
    if products:
        result["products"] = sorted(products, key=lambda p: (p["default_code"] or "", p["name"]))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("output", nargs="?", type=Path, help=f"JSON file to write (default: {CHARTS}/sa-<major>.json)")
    args = parser.parse_args()
    env = {k: os.environ.get(f"ODOOSYNC_LIVE_{k}") for k in ("URL", "DB", "LOGIN", "API_KEY")}
    missing = [f"ODOOSYNC_LIVE_{k}" for k, v in env.items() if not v]
    if missing:
        raise SystemExit("missing environment: " + ", ".join(missing))
    o = Odoo(env["URL"], env["DB"], env["LOGIN"], env["API_KEY"])
    chart = read_chart(o)
    out: Path = args.output or CHARTS / f"sa-{o.version_info['server_version_info'][0]}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(chart, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(
        f"{out}: Odoo {chart['version']}, {len(chart['accounts'])} accounts, {len(chart['taxes'])} taxes, "
        f"{len(chart['journals'])} journals"
    )


if __name__ == "__main__":
    main()
