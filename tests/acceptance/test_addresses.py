"""One Odoo database, reached by another spelling of its address (`localhost` for `127.0.0.1`): links are carried
over, not lost, so that an edited contact updates its partner instead of making a second one; when odoosync
cannot tell whether it is the same database, connect refuses and saves nothing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from odoosync.sandbox import Sandbox
from tests.support.portfolio import SAMPLES, sample_documents, write_ndjson
from tests.support.servers import rows
from tests.support.workspace import odoosync, prepare

CONTACTS = [d for d in sample_documents() if d["type"] == "contact"][:5]


def reconnect(env: dict[str, str], sandbox: Sandbox, url: str, login: str, *flags: str) -> tuple[int, str, str]:
    done = odoosync(
        env, "connect", "--url", url, "--database", sandbox.database, "--login", login, "--json", *flags, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("version", [17, 19])
def test_the_same_database_by_another_address_keeps_its_links(tmp_path: Path, version: int) -> None:
    with Sandbox(version) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"])
        assert odoosync(env, "sync", check=False).returncode == 0
        before = len(rows(sandbox, "res.partner", [["ref", "!=", False]], ["id"]))

        other = sandbox.url.replace("127.0.0.1", "localhost")
        code, out, err = reconnect(env, sandbox, other, sandbox.login)
        assert code == 0, err
        carried = json.loads(out)["carried_over"]
        assert carried["from_url"] == sandbox.url
        assert carried["rows"] > before

        edited = [{**c, "name": f"{c['name']} (edited)", "updated_at": "2026-12-01T10:00:00+03:00"} for c in CONTACTS]
        odoosync(env, "ingest", str(write_ndjson(tmp_path / "edits.ndjson", edited)))
        assert odoosync(env, "sync", check=False).returncode == 0
        partners = rows(sandbox, "res.partner", [["ref", "!=", False]], ["ref", "name"])
        assert len(partners) == before  # updated, not made again
        assert Counter(p["ref"] for p in partners).most_common(1)[0][1] == 1
        names = {p["ref"]: p["name"] for p in partners}
        assert all(names[c["id"]] == f"{c['name']} (edited)" for c in CONTACTS)
        status = json.loads(odoosync(env, "status", "contact", CONTACTS[0]["id"], "--json").stdout)
        assert status["chip"] == "synced"


def test_when_it_cannot_tell_connect_refuses_and_saves_nothing(tmp_path: Path) -> None:
    with Sandbox(17) as sandbox:
        env = prepare(tmp_path, sandbox, [SAMPLES / "portfolio.ndjson"])
        assert odoosync(env, "sync", check=False).returncode == 0
        # An accountant's key: it may not read the database's identity (database.uuid).
        env["ODOOSYNC_API_KEY"] = sandbox.add_user("clerk@example.sa", "Clerk", accounting_rights=True, settings=False)
        code, _, err = reconnect(env, sandbox, sandbox.url.replace("127.0.0.1", "localhost"), "clerk@example.sa")
        assert code != 0
        assert "cannot tell whether" in err
        assert "Nothing was saved" in err
        shown = json.loads(odoosync(env, "config", "show", "--json").stdout)
        assert {e["key"]: e["value"] for e in shown["entries"]}["odoo.url"] == sandbox.url
        # The same address as before needs no identity.
        code, _, err = reconnect(env, sandbox, sandbox.url, "clerk@example.sa")
        assert code == 0, err
        # The person says: another database (the links stay), or the same one (they move).
        other = sandbox.url.replace("127.0.0.1", "localhost")
        code, out, err = reconnect(env, sandbox, other, "clerk@example.sa", "--other-database")
        assert code == 0, err
        assert json.loads(out)["carried_over"] is None
        code, out, err = reconnect(env, sandbox, sandbox.url, "clerk@example.sa", "--same-database")
        assert code == 0, err
        assert json.loads(out)["carried_over"] is None  # links under this address, none elsewhere to tell apart
        code, out, err = reconnect(env, sandbox, other, "clerk@example.sa", "--same-database")
        assert code == 0, err
        assert json.loads(out)["carried_over"]["from_url"] == sandbox.url
