"""odoosync.config: finding, loading, checking, saving and describing the TOML configuration."""

from __future__ import annotations

import os
import pickle
import re
import stat
import tomllib
import traceback
from pathlib import Path
from typing import Any

import pytest

from odoosync.config import (
    SCHEMA_KEYS,
    ApiKey,
    Config,
    ConfigEntry,
    default_database_url,
    describe,
    env_var_for,
    load_config,
    parse_setting,
    redact_url,
    resolve_api_key,
    resolve_config_path,
    save_config_values,
)
from odoosync.domain.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-api-key-0123456789abcdef"
DB_PASSWORD = "pg-Pa55word-xyz"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment whose home is inside tmp_path (the real home is never read or written)."""
    return {"HOME": str(tmp_path / "home")}


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def full_traceback(error: BaseException) -> str:
    """The traceback a person would see, chained exceptions included."""
    return "".join(traceback.format_exception(error))


def config_error(excinfo: pytest.ExceptionInfo[ConfigError]) -> str:
    return str(excinfo.value)


# ------------------------------------------------------------------------------------------ path resolution


def test_explicit_path_wins_over_environment(tmp_path: Path, env: dict[str, str]) -> None:
    env["ODOOSYNC_CONFIG"] = str(tmp_path / "from-env.toml")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    assert resolve_config_path(tmp_path / "cli.toml", env) == (tmp_path / "cli.toml", True)


def test_odoosync_config_variable_comes_next(tmp_path: Path, env: dict[str, str]) -> None:
    env["ODOOSYNC_CONFIG"] = str(tmp_path / "from-env.toml")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    assert resolve_config_path(None, env) == (tmp_path / "from-env.toml", True)


def test_xdg_config_home_then_home(tmp_path: Path, env: dict[str, str]) -> None:
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    assert resolve_config_path(None, env) == (tmp_path / "xdg" / "odoosync" / "config.toml", False)
    del env["XDG_CONFIG_HOME"]
    assert resolve_config_path(None, env) == (
        tmp_path / "home" / ".config" / "odoosync" / "config.toml",
        False,
    )


def test_empty_or_relative_variables_are_ignored(tmp_path: Path, env: dict[str, str]) -> None:
    env["ODOOSYNC_CONFIG"] = ""
    env["XDG_CONFIG_HOME"] = "relative/dir"
    assert resolve_config_path(None, env) == (
        tmp_path / "home" / ".config" / "odoosync" / "config.toml",
        False,
    )


def test_resolution_defaults_to_os_environ(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODOOSYNC_CONFIG", str(tmp_path / "os.toml"))
    assert resolve_config_path() == (tmp_path / "os.toml", True)


def test_default_database_url_is_sqlite_in_xdg_data_home(tmp_path: Path, env: dict[str, str]) -> None:
    assert default_database_url(env) == f"sqlite:///{tmp_path}/home/.local/share/odoosync/odoosync.db"
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    assert default_database_url(env) == f"sqlite:///{tmp_path}/data/odoosync/odoosync.db"
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "home").exists()


# ------------------------------------------------------------------------------------------------- loading


def test_missing_default_file_gives_defaults(tmp_path: Path, env: dict[str, str]) -> None:
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    config = load_config(None, env)
    assert config.exists is False
    assert config.path == tmp_path / "xdg" / "odoosync" / "config.toml"
    assert config.odoo.url is None
    assert config.odoo.protocol == "auto"
    assert config.odoo.verify_tls is True
    assert config.odoo.timeout_seconds == 30
    assert config.odoo.api_key_env == "ODOOSYNC_API_KEY"
    assert config.defaults.language == "company"
    assert config.defaults.auto_post_invoices is False
    assert config.defaults.owner_separation == "off"
    assert config.defaults.on_posted_change == "fail"
    assert config.worker.batch_size == 100
    assert config.worker.lease_seconds == 300
    assert config.worker.max_attempts == 8
    assert config.worker.backoff_base_seconds == 30
    assert config.worker.backoff_max_seconds == 3600
    assert config.worker.max_concurrent_odoo_calls == 4
    assert config.database.url is None
    assert config.database_url == f"sqlite:///{tmp_path}/home/.local/share/odoosync/odoosync.db"
    assert config.unknown_keys == ()
    assert config.env_overrides == ()


def test_missing_explicit_file_is_an_error(tmp_path: Path, env: dict[str, str]) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as excinfo:
        load_config(missing, env)
    assert excinfo.value.reason == f"config file not found: {missing}"
    assert excinfo.value.instruction


def test_missing_file_named_by_variable_is_an_error(tmp_path: Path, env: dict[str, str]) -> None:
    env["ODOOSYNC_CONFIG"] = str(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(None, env)


def test_values_are_read_and_typed(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path / "config.toml",
        """
[odoo]
url = "https://example.odoo.com"
database = "example"
login = "accountant@example.sa"
protocol = "json2"
verify_tls = "ca.pem"
timeout_seconds = 12.5
api_key_file = "key"

[database]
url = "postgresql+psycopg://odoosync@localhost/odoosync"

[defaults]
language = "ar"
auto_post_invoices = true
owner_separation = "by_analytic"
on_posted_change = "credit_note"

[worker]
batch_size = 250
backoff_base_seconds = 5
""",
    )
    config = load_config(path, env)
    assert config.exists is True
    assert config.odoo.url == "https://example.odoo.com"
    assert config.odoo.protocol == "json2"
    assert config.odoo.timeout_seconds == 12.5
    assert config.tls_verify == tmp_path / "ca.pem"
    assert config.api_key_file_path == tmp_path / "key"
    assert config.database_url == "postgresql+psycopg://odoosync@localhost/odoosync"
    assert config.defaults.language == "ar"
    assert config.defaults.auto_post_invoices is True
    assert config.defaults.auto_post_bills is False
    assert config.worker.batch_size == 250
    assert isinstance(config.worker.backoff_base_seconds, float)
    assert config.source_of("worker.batch_size") == "file"
    assert config.source_of("worker.max_attempts") == "default"


def test_config_is_frozen(tmp_path: Path, env: dict[str, str]) -> None:
    config = load_config(write(tmp_path / "c.toml", "[worker]\nbatch_size = 5\n"), env)
    with pytest.raises((AttributeError, TypeError, ValueError)):
        config.exists = False  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError, ValueError)):
        config.worker.batch_size = 6  # type: ignore[misc]


def test_unknown_keys_are_kept_and_reported(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path / "c.toml",
        """
top = 1
[odoo]
url = "https://example.odoo.com"
colour = "blue"
[odoo.extra]
x = 2
[plugins.reports]
enabled = true
""",
    )
    config = load_config(path, env)
    assert config.unknown_keys == ("top", "odoo.colour", "odoo.extra.x", "plugins.reports.enabled")
    assert config.odoo.url == "https://example.odoo.com"


def test_toml_syntax_error_names_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "broken.toml", '[odoo]\nurl = "https://example.odoo.com"\nlogin = \n')
    with pytest.raises(ConfigError) as excinfo:
        load_config(path, env)
    message = config_error(excinfo)
    assert str(path) in excinfo.value.reason
    assert "line 3" in excinfo.value.reason
    assert excinfo.value.instruction
    assert "not valid TOML" in message


def test_invalid_utf8_names_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[odoo]\nlogin = "caf\xe9"\n')
    path.chmod(0o600)
    with pytest.raises(ConfigError) as excinfo:
        load_config(path, env)
    assert str(path) in excinfo.value.reason
    assert "UTF-8" in excinfo.value.reason
    assert "line 2" in excinfo.value.reason


def test_unreadable_file_is_an_error(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "c.toml", "[odoo]\n", mode=0o000)
    if os.geteuid() == 0:  # root reads any file: simulate the refusal
        real_open = Path.open

        def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == path:
                raise PermissionError(13, "Permission denied")
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ConfigError, match="permission denied") as excinfo:
        load_config(path, env)
    assert str(path) in excinfo.value.reason


def test_directory_instead_of_file_is_an_error(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "dir.toml").mkdir()
    with pytest.raises(ConfigError, match="directory"):
        load_config(tmp_path / "dir.toml", env)


def test_invalid_values_list_every_problem(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path / "c.toml",
        """
[odoo]
url = "ftp://example.odoo.com"
protocol = "xmlrpc"
verify_tls = "false"
timeout_seconds = 0
[defaults]
language = "fr"
auto_post_bills = "yes"
owner_separation = "by_owner"
[worker]
batch_size = 0
max_attempts = 0
lease_seconds = 1.5
max_concurrent_odoo_calls = -1
""",
    )
    with pytest.raises(ConfigError) as excinfo:
        load_config(path, env)
    reason = excinfo.value.reason
    assert str(path) in reason
    assert "worker.batch_size: must be between 1 and 1000, got 0" in reason
    for key in (
        "odoo.url",
        "odoo.protocol",
        "odoo.verify_tls",
        "odoo.timeout_seconds",
        "defaults.language",
        "defaults.auto_post_bills",
        "defaults.owner_separation",
        "worker.max_attempts",
        "worker.lease_seconds",
        "worker.max_concurrent_odoo_calls",
    ):
        assert f"\n  {key}: " in reason, key
    assert 'defaults.language: must be one of "company", "en", "ar", got "fr"' in reason
    assert "worker.max_attempts: must be at least 1, got 0" in reason
    assert "odoo.timeout_seconds: must be greater than 0, got 0" in reason
    assert excinfo.value.instruction is not None


def test_backoff_max_must_not_be_below_base(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "c.toml", "[worker]\nbackoff_base_seconds = 60\nbackoff_max_seconds = 10\n")
    with pytest.raises(ConfigError, match=r"worker\.backoff_max_seconds: must be at least"):
        load_config(path, env)


def test_section_that_is_not_a_table_is_a_problem(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "c.toml", 'worker = "fast"\n')
    with pytest.raises(ConfigError, match=r"worker: must be a table"):
        load_config(path, env)


def test_empty_strings_are_refused(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "c.toml", '[odoo]\nlogin = ""\n')
    with pytest.raises(ConfigError, match=r"odoo\.login: must not be empty"):
        load_config(path, env)


# ----------------------------------------------------------------------------------- environment overrides


def test_environment_overrides_are_typed(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "c.toml", '[odoo]\nurl = "https://file.example.sa"\n[worker]\nbatch_size = 10\n')
    env.update(
        {
            "ODOOSYNC_ODOO_URL": "https://env.example.sa",
            "ODOOSYNC_ODOO_VERIFY_TLS": "false",
            "ODOOSYNC_ODOO_TIMEOUT_SECONDS": "7.5",
            "ODOOSYNC_DEFAULTS_AUTO_POST_INVOICES": "true",
            "ODOOSYNC_DEFAULTS_OWNER_SEPARATION": "by_company",
            "ODOOSYNC_WORKER_BATCH_SIZE": "50",
            "ODOOSYNC_DATABASE_URL": "sqlite:////srv/odoosync.db",
            "ODOOSYNC_WORKER_MAX_ATTEMPTS": "",  # empty counts as unset
        }
    )
    config = load_config(path, env)
    assert config.odoo.url == "https://env.example.sa"
    assert config.odoo.verify_tls is False
    assert config.odoo.timeout_seconds == 7.5
    assert config.defaults.auto_post_invoices is True
    assert config.defaults.owner_separation == "by_company"
    assert config.worker.batch_size == 50
    assert config.worker.max_attempts == 8
    assert config.database_url == "sqlite:////srv/odoosync.db"
    assert set(config.env_overrides) == {
        "odoo.url",
        "odoo.verify_tls",
        "odoo.timeout_seconds",
        "defaults.auto_post_invoices",
        "defaults.owner_separation",
        "worker.batch_size",
        "database.url",
    }
    assert config.source_of("odoo.url") == "environment"


def test_environment_override_without_a_file(tmp_path: Path, env: dict[str, str]) -> None:
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env["ODOOSYNC_ODOO_VERIFY_TLS"] = "/etc/ssl/private-ca.pem"
    config = load_config(None, env)
    assert config.exists is False
    assert config.odoo.verify_tls == "/etc/ssl/private-ca.pem"
    assert config.tls_verify == Path("/etc/ssl/private-ca.pem")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ODOOSYNC_WORKER_BATCH_SIZE", "lots", "must be a whole number"),
        ("ODOOSYNC_WORKER_BATCH_SIZE", "0", "must be between 1 and 1000, got 0"),
        ("ODOOSYNC_DEFAULTS_AUTO_POST_BILLS", "maybe", "must be true or false"),
        ("ODOOSYNC_ODOO_TIMEOUT_SECONDS", "inf", "must be a finite number"),
        ("ODOOSYNC_ODOO_PROTOCOL", "xmlrpc", "must be one of"),
    ],
)
def test_bad_environment_value_names_the_variable(
    tmp_path: Path, env: dict[str, str], variable: str, value: str, expected: str
) -> None:
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env[variable] = value
    with pytest.raises(ConfigError) as excinfo:
        load_config(None, env)
    assert variable in excinfo.value.reason
    assert expected in excinfo.value.reason
    assert "environment" in excinfo.value.reason


def test_environment_fixes_a_bad_file_value(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "c.toml", "[worker]\nbatch_size = 0\n")
    env["ODOOSYNC_WORKER_BATCH_SIZE"] = "20"
    assert load_config(path, env).worker.batch_size == 20


def test_inline_api_key_cannot_come_from_an_override_variable(tmp_path: Path, env: dict[str, str]) -> None:
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    env["ODOOSYNC_ODOO_API_KEY"] = SECRET
    config = load_config(None, env)
    assert config.odoo.api_key is None
    assert "odoo.api_key" not in config.env_overrides
    assert resolve_api_key(config, env) is None


def test_env_var_for() -> None:
    assert env_var_for("database.url") == "ODOOSYNC_DATABASE_URL"
    assert env_var_for("defaults.auto_post_invoices") == "ODOOSYNC_DEFAULTS_AUTO_POST_INVOICES"


# -------------------------------------------------------------------------------------------------- saving


def test_round_trip_keeps_unknown_keys_sections_and_other_keys(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path / "c.toml",
        """
# a comment that will be lost
future_flag = true

[odoo]
url = "https://old.example.sa"
login = "accountant@example.sa"
colour = "blue"

[defaults]
company = "Example Property Management"
auto_post_bills = true

[worker]
batch_size = 10

[plugins.reports]
enabled = true
formats = ["pdf", "xlsx"]
""",
    )
    save_config_values(
        path,
        {
            "odoo.url": "https://example.odoo.com",
            "defaults.auto_post_invoices": True,
            "worker.batch_size": None,
            "database.url": "sqlite:////srv/odoosync.db",
        },
    )
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data == {
        "future_flag": True,
        "odoo": {"url": "https://example.odoo.com", "login": "accountant@example.sa", "colour": "blue"},
        "defaults": {
            "company": "Example Property Management",
            "auto_post_bills": True,
            "auto_post_invoices": True,
        },
        "plugins": {"reports": {"enabled": True, "formats": ["pdf", "xlsx"]}},
        "database": {"url": "sqlite:////srv/odoosync.db"},
    }
    config = load_config(path, env)
    assert config.odoo.url == "https://example.odoo.com"
    assert config.defaults.auto_post_invoices is True
    assert config.worker.batch_size == 100
    assert config.unknown_keys == (
        "future_flag",
        "odoo.colour",
        "plugins.reports.enabled",
        "plugins.reports.formats",
    )


def test_save_creates_file_and_private_directory(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "new" / "odoosync" / "config.toml"
    save_config_values(path, {"odoo.url": "https://example.odoo.com", "odoo.database": "example"})
    assert mode_of(path) == 0o600
    assert mode_of(path.parent) == 0o700
    assert load_config(path, env).odoo.database == "example"


def test_save_makes_a_loose_file_private(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[odoo]\nlogin = "accountant@example.sa"\n', mode=0o644)
    save_config_values(path, {"worker.batch_size": 20})
    assert mode_of(path) == 0o600


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    directory = tmp_path / "cfg"
    path = directory / "config.toml"
    save_config_values(path, {"odoo.url": "https://example.odoo.com"})
    save_config_values(path, {"worker.batch_size": 20})
    assert sorted(p.name for p in directory.iterdir()) == ["config.toml"]


def test_save_refuses_invalid_values_and_writes_nothing(tmp_path: Path) -> None:
    original = '[odoo]\nurl = "https://example.odoo.com"\n'
    path = write(tmp_path / "c.toml", original)
    with pytest.raises(ConfigError) as excinfo:
        save_config_values(path, {"worker.batch_size": 0, "defaults.language": "fr"})
    assert "worker.batch_size: must be between 1 and 1000, got 0" in excinfo.value.reason
    assert "defaults.language" in excinfo.value.reason
    assert path.read_text(encoding="utf-8") == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.toml"]


def test_save_refuses_unknown_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown setting: odoo\.colour"):
        save_config_values(tmp_path / "c.toml", {"odoo.colour": "blue"})
    assert not (tmp_path / "c.toml").exists()


def test_save_removing_the_last_key_drops_the_section(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[worker]\nbatch_size = 10\n")
    save_config_values(path, {"worker.batch_size": None, "odoo.login": None})
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {}


def test_parse_setting_types_text() -> None:
    assert parse_setting("worker.batch_size", "50") == 50
    assert parse_setting("defaults.auto_post_invoices", "yes") is True
    assert parse_setting("odoo.verify_tls", "/etc/ca.pem") == "/etc/ca.pem"
    with pytest.raises(ConfigError, match="whole number"):
        parse_setting("worker.batch_size", "many")


# ------------------------------------------------------------------------------------------------- secrets


def test_world_readable_file_with_inline_api_key_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "c.toml", f'[odoo]\napi_key = "{SECRET}"\n', mode=0o644)
    with pytest.raises(ConfigError) as excinfo:
        load_config(path, env)
    error = excinfo.value
    assert str(path) in error.reason
    assert "odoo.api_key" in error.reason
    assert error.instruction is not None
    assert f"Run: chmod 600 {path}" in error.instruction
    assert "ODOOSYNC_API_KEY" in error.instruction
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert SECRET not in full_traceback(error)


def test_group_readable_file_with_database_password_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path / "c.toml",
        f'[database]\nurl = "postgresql+psycopg://odoosync:{DB_PASSWORD}@db.example.sa:5432/odoosync"\n',
        mode=0o640,
    )
    with pytest.raises(ConfigError) as excinfo:
        load_config(path, env)
    assert "database.url" in excinfo.value.reason
    assert f"chmod 600 {path}" in str(excinfo.value)
    assert DB_PASSWORD not in str(excinfo.value)
    assert DB_PASSWORD not in repr(excinfo.value)
    assert DB_PASSWORD not in full_traceback(excinfo.value)


def test_private_file_with_secret_is_accepted(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "c.toml", f'[odoo]\napi_key = "{SECRET}"\n', mode=0o600)
    config = load_config(path, env)
    assert SECRET not in repr(config)
    assert SECRET not in str(config)


def test_readable_file_without_secret_is_accepted(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path / "c.toml",
        '[odoo]\nurl = "https://example.odoo.com"\napi_key_env = "ODOO_KEY"\n'
        '[database]\nurl = "postgresql+psycopg://odoosync@db.example.sa/odoosync"\n',
        mode=0o644,
    )
    config = load_config(path, env)
    assert config.odoo.api_key_env == "ODOO_KEY"


def test_invalid_value_messages_do_not_repeat_secret_values(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path / "c.toml",
        f'[database]\nurl = "{DB_PASSWORD}"\n[odoo]\napi_key = ["{SECRET}"]\n',
    )
    with pytest.raises(ConfigError) as excinfo:
        load_config(path, env)
    assert "database.url" in excinfo.value.reason
    assert "odoo.api_key" in excinfo.value.reason
    assert DB_PASSWORD not in str(excinfo.value)
    assert SECRET not in str(excinfo.value)
    assert DB_PASSWORD not in full_traceback(excinfo.value)
    assert SECRET not in full_traceback(excinfo.value)


def test_redact_url_keeps_everything_but_the_password() -> None:
    assert (
        redact_url(f"postgresql+psycopg://odoosync:{DB_PASSWORD}@db.example.sa:5432/odoosync?sslmode=require")
        == "postgresql+psycopg://odoosync:***@db.example.sa:5432/odoosync?sslmode=require"
    )
    assert redact_url("sqlite:////var/lib/odoosync/odoosync.db") == "sqlite:////var/lib/odoosync/odoosync.db"
    assert redact_url(f"postgresql://db/x?user=u&password={DB_PASSWORD}") == "postgresql://db/x?user=u&password=***"


# ------------------------------------------------------------------------------------------------- API key


def key_config(tmp_path: Path, env: dict[str, str], body: str) -> Config:
    return load_config(write(tmp_path / "c.toml", "[odoo]\n" + body), env)


def test_api_key_source_order(tmp_path: Path, env: dict[str, str]) -> None:
    key_file = write(tmp_path / "keys" / "api-key", "from-file-key\n")
    credentials = tmp_path / "credentials"
    write(credentials / "odoo-api-key", "from-credential-key\n", mode=0o400)
    body = (
        f'api_key_file = "{key_file}"\napi_key_credential = "odoo-api-key"\n'
        f'api_key = "from-inline-key"\napi_key_env = "MY_ODOO_KEY"\n'
    )
    config = key_config(tmp_path, env, body)
    env["CREDENTIALS_DIRECTORY"] = str(credentials)
    env["MY_ODOO_KEY"] = "from-env-key"

    key = resolve_api_key(config, env)
    assert key is not None
    assert (key.reveal(), key.source, key.kind) == (
        "from-env-key",
        "environment variable MY_ODOO_KEY",
        "environment",
    )

    del env["MY_ODOO_KEY"]
    key = resolve_api_key(config, env)
    assert key is not None
    assert (key.reveal(), key.source) == ("from-file-key", f"file {key_file}")

    config = key_config(tmp_path, env, body.replace(f'api_key_file = "{key_file}"\n', ""))
    key = resolve_api_key(config, env)
    assert key is not None
    assert (key.reveal(), key.source) == ("from-credential-key", "systemd credential odoo-api-key")

    config = key_config(tmp_path, env, 'api_key = "from-inline-key"\n')
    key = resolve_api_key(config, env)
    assert key is not None
    assert (key.reveal(), key.source) == ("from-inline-key", "config file")

    config = key_config(tmp_path, env, "")
    assert resolve_api_key(config, env) is None


def test_default_api_key_variable(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    config = key_config(tmp_path, env, "")
    monkeypatch.setenv("ODOOSYNC_API_KEY", SECRET)
    key = resolve_api_key(config)
    assert key is not None
    assert key.reveal() == SECRET
    assert key.source == "environment variable ODOOSYNC_API_KEY"


def test_key_file_relative_to_config_directory(tmp_path: Path, env: dict[str, str]) -> None:
    write(tmp_path / "api-key", f"  {SECRET}  \n")
    key = resolve_api_key(key_config(tmp_path, env, 'api_key_file = "api-key"\n'), env)
    assert key is not None
    assert key.reveal() == SECRET


def test_api_key_never_shows_its_value(tmp_path: Path, env: dict[str, str]) -> None:
    key = ApiKey(SECRET, "environment variable ODOOSYNC_API_KEY", "environment")
    for text in (repr(key), str(key), f"{key}", f"{key!r}", f"{key:s}", str([key])):
        assert SECRET not in text
        assert "****" in text
    assert repr(key) == "ApiKey(****, source='environment variable ODOOSYNC_API_KEY')"
    with pytest.raises(AttributeError):
        key.source = "x"
    assert key == ApiKey(SECRET, "environment variable ODOOSYNC_API_KEY", "environment")
    with pytest.raises(TypeError):
        pickle.dumps(key)


def test_missing_key_file_names_it(tmp_path: Path, env: dict[str, str]) -> None:
    missing = tmp_path / "no-such-key"
    config = key_config(tmp_path, env, f'api_key_file = "{missing}"\n')
    with pytest.raises(ConfigError) as excinfo:
        resolve_api_key(config, env)
    assert str(missing) in excinfo.value.reason
    assert excinfo.value.instruction


def test_readable_key_file_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    key_file = write(tmp_path / "api-key", SECRET + "\n", mode=0o644)
    config = key_config(tmp_path, env, f'api_key_file = "{key_file}"\n')
    with pytest.raises(ConfigError) as excinfo:
        resolve_api_key(config, env)
    assert str(key_file) in excinfo.value.reason
    assert excinfo.value.instruction == f"Run: chmod 600 {key_file}"
    assert SECRET not in str(excinfo.value)


def test_empty_key_file_is_refused(tmp_path: Path, env: dict[str, str]) -> None:
    key_file = write(tmp_path / "api-key", "\n")
    config = key_config(tmp_path, env, f'api_key_file = "{key_file}"\n')
    with pytest.raises(ConfigError, match="empty"):
        resolve_api_key(config, env)


def test_credential_without_credentials_directory(tmp_path: Path, env: dict[str, str]) -> None:
    config = key_config(tmp_path, env, 'api_key_credential = "odoo-api-key"\n')
    with pytest.raises(ConfigError) as excinfo:
        resolve_api_key(config, env)
    assert "CREDENTIALS_DIRECTORY" in excinfo.value.reason
    assert excinfo.value.instruction is not None
    assert "LoadCredential=odoo-api-key" in excinfo.value.instruction


def test_missing_credential_names_it(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "credentials").mkdir()
    env["CREDENTIALS_DIRECTORY"] = str(tmp_path / "credentials")
    config = key_config(tmp_path, env, 'api_key_credential = "odoo-api-key"\n')
    with pytest.raises(ConfigError, match="odoo-api-key"):
        resolve_api_key(config, env)


def test_credential_name_must_not_be_a_path(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=r"odoo\.api_key_credential"):
        key_config(tmp_path, env, 'api_key_credential = "../etc/passwd"\n')


# ------------------------------------------------------------------------------------------------ describe


def entries_by_key(entries: list[ConfigEntry]) -> dict[str, ConfigEntry]:
    return {entry.key: entry for entry in entries}


def test_describe_lists_schema_keys_in_order_with_sources(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path / "c.toml", '[odoo]\nurl = "https://example.odoo.com"\n[plugins]\nx = 1\n')
    env["ODOOSYNC_WORKER_BATCH_SIZE"] = "20"
    entries = describe(load_config(path, env), env)
    schema_entries = [e.key for e in entries if not e.unknown and e.key != "odoo.api_key (effective)"]
    assert schema_entries == list(SCHEMA_KEYS)
    by_key = entries_by_key(entries)
    assert by_key["odoo.url"] == ConfigEntry("odoo.url", "https://example.odoo.com", "file")
    assert by_key["worker.batch_size"] == ConfigEntry("worker.batch_size", 20, "environment")
    assert by_key["worker.max_attempts"] == ConfigEntry("worker.max_attempts", 8, "default")
    assert by_key["plugins.x"] == ConfigEntry("plugins.x", 1, "file", unknown=True)
    assert by_key["odoo.api_key (effective)"].value == "not set"
    assert by_key["database.url"].value == f"sqlite:///{tmp_path}/home/.local/share/odoosync/odoosync.db"


def test_describe_masks_secrets(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(
        tmp_path / "c.toml",
        f'[odoo]\napi_key = "{SECRET}"\n'
        f'[database]\nurl = "postgresql+psycopg://odoosync:{DB_PASSWORD}@db.example.sa:5432/odoosync"\n'
        f'[plugins]\nsmtp_password = "{DB_PASSWORD}"\n',
    )
    config = load_config(path, env)
    entries = describe(config, env)
    by_key = entries_by_key(entries)
    assert by_key["odoo.api_key"].value == "****"
    assert by_key["database.url"].value == "postgresql+psycopg://odoosync:***@db.example.sa:5432/odoosync"
    assert by_key["odoo.api_key (effective)"].value == "set (from config file)"
    assert by_key["plugins.smtp_password"].value == "****"
    dump = repr(entries) + repr(config) + str(config)
    assert SECRET not in dump
    assert DB_PASSWORD not in dump


def test_describe_effective_key_from_environment_and_errors(tmp_path: Path, env: dict[str, str]) -> None:
    config = key_config(tmp_path, env, "")
    env["ODOOSYNC_API_KEY"] = SECRET
    entry = entries_by_key(describe(config, env))["odoo.api_key (effective)"]
    assert entry.value == "set (from environment variable ODOOSYNC_API_KEY)"
    assert entry.source == "environment"
    assert SECRET not in repr(describe(config, env))

    del env["ODOOSYNC_API_KEY"]
    config = key_config(tmp_path, env, f'api_key_file = "{tmp_path / "gone"}"\n')
    entry = entries_by_key(describe(config, env))["odoo.api_key (effective)"]
    assert isinstance(entry.value, str)
    assert entry.value.startswith("error: API key file not found")


# ---------------------------------------------------------------------------------------- example config


def test_example_config_loads_and_has_no_secret(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    monkeypatch.chdir(REPO_ROOT)
    config = load_config(Path("config.example.toml"), env)
    assert config.exists
    assert config.odoo.url == "https://example.odoo.com"
    assert config.odoo.database == "example"
    assert config.odoo.login == "accountant@example.sa"
    assert config.odoo.api_key is None
    assert config.unknown_keys == ()
    assert resolve_api_key(config, env) is None
    assert config.database.url is None or "@" not in config.database.url


def test_example_config_documents_every_key() -> None:
    text = (REPO_ROOT / "config.example.toml").read_text(encoding="utf-8")
    sections = set(re.findall(r"^\[(\w+)\]", text, flags=re.MULTILINE))
    assert sections == {"odoo", "database", "defaults", "worker"}
    current = None
    documented: set[str] = set()
    for line in text.splitlines():
        header = re.match(r"^\[(\w+)\]", line)
        if header:
            current = header.group(1)
            continue
        key = re.match(r"^#?\s*(\w+)\s*[=:]", line)
        if current and key:
            documented.add(f"{current}.{key.group(1)}")
    missing = [key for key in SCHEMA_KEYS if key not in documented]
    assert missing == []
