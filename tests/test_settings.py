"""Settings: working defaults, `SIGNPOST_*` variables, one clear line per wrong value, and the
generated secret key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from server.settings import LogLevel, Settings, SettingsError, load_settings

LONG_SECRET = "s" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SIGNPOST_* variable and no `.env` of the developer's leaks into these tests."""
    for name in list(os.environ):
        if name.startswith("SIGNPOST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


class TestLoadSettings:
    def test_defaults_give_a_working_local_setup(self) -> None:
        settings = load_settings()

        assert settings.model_dump() == {
            "data_dir": Path("data"),
            "database_url": "sqlite:///data/signpost.db",
            "secret_key": None,
            "host": "127.0.0.1",
            "port": 8000,
            "public_url": "http://127.0.0.1:8000",
            "log_level": LogLevel.info,
            "demo": False,
            "migrate_on_start": True,
            "sqlite_busy_timeout_ms": 5000,
            "database_pool_size": 10,
            "workers": 1,
            "max_body_bytes": 512 * 1024,
            "admin_session_hours": 12.0,
            "admin_login_max_failures": 5,
            "authoring_token_minutes": 30,
            "ingest_rate_per_second": 1000,
            "ingest_burst": 20000,
            "raw_event_retention_days": None,
            "maintenance_interval_seconds": 3600,
            "session_rate_per_second": 500,
            "session_burst": 5000,
            "client_rate_per_second": 50,
            "client_burst": 300,
            "body_timeout_seconds": 10,
            "webhook_retry_seconds": 30.0,
            "webhook_timeout_seconds": 10.0,
            "webhook_private_addresses": False,
        }
        assert settings.is_sqlite

    def test_signpost_variables_are_read(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SIGNPOST_DATA_DIR", "/srv/signpost")
        monkeypatch.setenv("SIGNPOST_DATABASE_URL", "postgresql+psycopg://sp:pw@db/signpost")
        monkeypatch.setenv("SIGNPOST_SECRET_KEY", LONG_SECRET)
        monkeypatch.setenv("SIGNPOST_HOST", "0.0.0.0")
        monkeypatch.setenv("SIGNPOST_PORT", "9001")
        monkeypatch.setenv("SIGNPOST_PUBLIC_URL", "https://guides.example.com/")
        monkeypatch.setenv("SIGNPOST_LOG_LEVEL", "debug")
        monkeypatch.setenv("SIGNPOST_DEMO", "true")
        monkeypatch.setenv("SIGNPOST_MIGRATE_ON_START", "false")
        monkeypatch.setenv("SIGNPOST_SQLITE_BUSY_TIMEOUT_MS", "250")
        monkeypatch.setenv("SIGNPOST_DATABASE_POOL_SIZE", "4")
        monkeypatch.setenv("SIGNPOST_WORKERS", "3")
        monkeypatch.setenv("SIGNPOST_MAX_BODY_BYTES", "2048")
        monkeypatch.setenv("SIGNPOST_ADMIN_SESSION_HOURS", "1.5")
        monkeypatch.setenv("SIGNPOST_ADMIN_LOGIN_MAX_FAILURES", "3")
        monkeypatch.setenv("SIGNPOST_AUTHORING_TOKEN_MINUTES", "5")
        monkeypatch.setenv("SIGNPOST_INGEST_RATE_PER_SECOND", "2.5")
        monkeypatch.setenv("SIGNPOST_INGEST_BURST", "50")
        monkeypatch.setenv("SIGNPOST_RAW_EVENT_RETENTION_DAYS", "400")
        monkeypatch.setenv("SIGNPOST_MAINTENANCE_INTERVAL_SECONDS", "60")
        monkeypatch.setenv("SIGNPOST_SESSION_RATE_PER_SECOND", "4")
        monkeypatch.setenv("SIGNPOST_SESSION_BURST", "8")
        monkeypatch.setenv("SIGNPOST_CLIENT_RATE_PER_SECOND", "7")
        monkeypatch.setenv("SIGNPOST_CLIENT_BURST", "9")
        monkeypatch.setenv("SIGNPOST_BODY_TIMEOUT_SECONDS", "2.5")
        monkeypatch.setenv("SIGNPOST_WEBHOOK_RETRY_SECONDS", "0.5")
        monkeypatch.setenv("SIGNPOST_WEBHOOK_TIMEOUT_SECONDS", "3")
        monkeypatch.setenv("SIGNPOST_WEBHOOK_PRIVATE_ADDRESSES", "true")

        settings = load_settings()

        dumped = settings.model_dump()
        secret = dumped.pop("secret_key")
        assert secret.get_secret_value() == LONG_SECRET
        assert dumped == {
            "data_dir": Path("/srv/signpost"),
            "database_url": "postgresql+psycopg://sp:pw@db/signpost",
            "host": "0.0.0.0",
            "port": 9001,
            "public_url": "https://guides.example.com",
            "log_level": LogLevel.debug,
            "demo": True,
            "migrate_on_start": False,
            "sqlite_busy_timeout_ms": 250,
            "database_pool_size": 4,
            "workers": 3,
            "max_body_bytes": 2048,
            "admin_session_hours": 1.5,
            "admin_login_max_failures": 3,
            "authoring_token_minutes": 5,
            "ingest_rate_per_second": 2.5,
            "ingest_burst": 50,
            "raw_event_retention_days": 400,
            "maintenance_interval_seconds": 60,
            "session_rate_per_second": 4,
            "session_burst": 8,
            "client_rate_per_second": 7,
            "client_burst": 9,
            "body_timeout_seconds": 2.5,
            "webhook_retry_seconds": 0.5,
            "webhook_timeout_seconds": 3.0,
            "webhook_private_addresses": True,
        }
        assert not settings.is_sqlite

    def test_the_sqlite_file_lives_in_the_data_folder(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIGNPOST_DATA_DIR", "/var/lib/signpost")

        assert load_settings().database_url == "sqlite:////var/lib/signpost/signpost.db"

    def test_the_public_url_defaults_to_host_and_port(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIGNPOST_HOST", "10.0.0.5")
        monkeypatch.setenv("SIGNPOST_PORT", "8080")

        assert load_settings().public_url == "http://10.0.0.5:8080"

    def test_a_dotenv_file_in_the_working_folder_is_read(self, tmp_path: Path) -> None:
        (tmp_path / ".env").write_text("SIGNPOST_PORT=8123\n")

        assert load_settings().port == 8123

    def test_an_environment_variable_beats_the_dotenv_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / ".env").write_text("SIGNPOST_PORT=8123\n")
        monkeypatch.setenv("SIGNPOST_PORT", "8124")

        assert load_settings().port == 8124

    def test_keyword_overrides_beat_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SIGNPOST_PORT", "8124")

        assert load_settings(port=8125).port == 8125


class TestSettingsErrors:
    @pytest.mark.parametrize(
        ("variable", "value", "message"),
        [
            pytest.param(
                "SIGNPOST_PORT",
                "0",
                "invalid setting SIGNPOST_PORT: Input should be greater than or equal to 1"
                " (got '0')",
                id="port-zero",
            ),
            pytest.param(
                "SIGNPOST_PORT",
                "abc",
                "invalid setting SIGNPOST_PORT: Input should be a valid integer, unable to parse"
                " string as an integer (got 'abc')",
                id="port-not-a-number",
            ),
            pytest.param(
                "SIGNPOST_PORT",
                "70000",
                "invalid setting SIGNPOST_PORT: Input should be less than or equal to 65535"
                " (got '70000')",
                id="port-too-high",
            ),
            pytest.param(
                "SIGNPOST_DATABASE_URL",
                "mysql://signpost@db/signpost",
                "invalid setting SIGNPOST_DATABASE_URL: only sqlite:/// and postgresql+psycopg://"
                " URLs are supported",
                id="database-mysql",
            ),
            pytest.param(
                "SIGNPOST_PUBLIC_URL",
                "ftp://x",
                "invalid setting SIGNPOST_PUBLIC_URL: must start with http:// or https://"
                " (got 'ftp://x')",
                id="public-url-ftp",
            ),
            pytest.param(
                "SIGNPOST_SECRET_KEY",
                "too-short",
                "invalid setting SIGNPOST_SECRET_KEY: must be at least 32 characters",
                id="secret-key-short",
            ),
            pytest.param(
                "SIGNPOST_LOG_LEVEL",
                "loud",
                "invalid setting SIGNPOST_LOG_LEVEL: Input should be 'debug', 'info', 'warning'"
                " or 'error' (got 'loud')",
                id="log-level-unknown",
            ),
            pytest.param(
                "SIGNPOST_MAX_BODY_BYTES",
                "10",
                "invalid setting SIGNPOST_MAX_BODY_BYTES: Input should be greater than or equal"
                " to 1024 (got '10')",
                id="body-limit-tiny",
            ),
        ],
    )
    def test_a_wrong_value_is_one_line_naming_the_variable_and_why(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
    ) -> None:
        monkeypatch.setenv(variable, value)

        with pytest.raises(SettingsError) as caught:
            load_settings()

        assert str(caught.value) == message
        assert "\n" not in str(caught.value)

    def test_a_short_secret_key_is_never_echoed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SIGNPOST_SECRET_KEY", "hunter2-hunter2")

        with pytest.raises(SettingsError) as caught:
            load_settings()

        assert "hunter2" not in str(caught.value)

    def test_a_database_password_in_a_wrong_url_is_never_echoed(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIGNPOST_DATABASE_URL", "mysql://root:hunter2@db/signpost")

        with pytest.raises(SettingsError) as caught:
            load_settings()

        assert str(caught.value).startswith("invalid setting SIGNPOST_DATABASE_URL: ")
        assert "hunter2" not in str(caught.value)

    def test_a_wrong_keyword_override_is_reported_like_a_variable(self) -> None:
        with pytest.raises(SettingsError) as caught:
            load_settings(port=0)

        assert str(caught.value) == (
            "invalid setting SIGNPOST_PORT: Input should be greater than or equal to 1 (got 0)"
        )


class TestEnsureSecretKey:
    def test_a_configured_key_is_used_and_nothing_is_written(self, tmp_path: Path) -> None:
        settings = Settings(data_dir=tmp_path / "data", secret_key=LONG_SECRET)  # type: ignore[arg-type]

        assert settings.ensure_secret_key().get_secret_value() == LONG_SECRET
        assert not (tmp_path / "data").exists()

    def test_a_missing_key_is_generated_once_and_kept_private(self, tmp_path: Path) -> None:
        settings = Settings(data_dir=tmp_path / "data")

        key = settings.ensure_secret_key().get_secret_value()

        path = tmp_path / "data" / "secret_key"
        assert path.read_text() == key + "\n"
        assert len(key) >= 32
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert settings.secret_key is not None
        assert settings.secret_key.get_secret_value() == key

    def test_the_stored_key_is_read_back_on_the_next_start(self, tmp_path: Path) -> None:
        first = Settings(data_dir=tmp_path / "data").ensure_secret_key().get_secret_value()

        second = Settings(data_dir=tmp_path / "data").ensure_secret_key().get_secret_value()

        assert second == first

    def test_asking_twice_gives_the_same_key(self, tmp_path: Path) -> None:
        settings = Settings(data_dir=tmp_path / "data")

        assert settings.ensure_secret_key() == settings.ensure_secret_key()

    def test_two_data_folders_get_different_keys(self, tmp_path: Path) -> None:
        one = Settings(data_dir=tmp_path / "one").ensure_secret_key().get_secret_value()
        two = Settings(data_dir=tmp_path / "two").ensure_secret_key().get_secret_value()

        assert one != two

    def test_a_stored_key_that_is_too_short_is_refused_without_echoing_it(
        self, tmp_path: Path
    ) -> None:
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "secret_key").write_text("hunter2\n")

        with pytest.raises(SettingsError) as caught:
            Settings(data_dir=tmp_path / "data").ensure_secret_key()

        assert str(caught.value) == (
            f"{tmp_path / 'data' / 'secret_key'} holds a secret key shorter than 32 characters"
        )
