"""Signpost's configuration: one typed class, read from `SIGNPOST_*` variables and `.env`."""

from __future__ import annotations

import secrets
from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


class Settings(BaseSettings):
    """Every setting has a working default; `docs/configuration.md` documents each one."""

    model_config = SettingsConfigDict(
        env_prefix="SIGNPOST_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        Path("data"),
        description="Folder for the SQLite database and the generated secret key.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL. Empty: a SQLite file `signpost.db` in the data folder. "
        "PostgreSQL: `postgresql+psycopg://user:password@host/db`.",
    )
    secret_key: SecretStr | None = Field(
        None,
        description="Signs sessions and tokens; at least 32 characters. Unset: generated on first "
        "run and kept in `<data_dir>/secret_key`.",
    )
    host: str = Field("127.0.0.1", description="Interface the server listens on.")
    port: int = Field(8000, ge=1, le=65535, description="TCP port the server listens on.")
    public_url: str = Field(
        "",
        description="URL end users' browsers reach this server at (used in the install snippet). "
        "Empty: `http://<host>:<port>`.",
    )
    log_level: LogLevel = Field(LogLevel.info, description="Least severe log level printed.")
    demo: bool = Field(
        False, description="Serve the demo host app at `/demo` (set by `signpost demo`)."
    )
    migrate_on_start: bool = Field(
        True,
        description="Apply database migrations when the server starts. With several servers on "
        "one PostgreSQL, set it to false and run `signpost migrate` once per release.",
    )
    sqlite_busy_timeout_ms: int = Field(
        5000, ge=0, description="How long a SQLite connection waits for a lock before failing."
    )
    database_pool_size: int = Field(
        10,
        ge=1,
        le=1000,
        description="PostgreSQL connections each server process keeps open (and as many more "
        "at peaks). Processes times twice this must stay under the server's max_connections.",
    )
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Server processes `signpost serve` starts on one port. Each caches published "
        "guides and sees a publish on its next request.",
    )
    max_body_bytes: int = Field(
        512 * 1024, ge=1024, description="Largest request body the SDK endpoints accept."
    )
    admin_session_hours: float = Field(
        12, gt=0, le=24 * 30, description="How long an admin stays signed in after logging in."
    )
    admin_login_max_failures: int = Field(
        5,
        ge=1,
        description="Failed logins for one email within 15 minutes before further attempts are "
        "refused until the window passes (an address gets four times as many).",
    )
    authoring_token_minutes: int = Field(
        30,
        ge=1,
        le=24 * 60,
        description="How long the link of the visual element picker and draft preview works.",
    )

    ingest_rate_per_second: float = Field(
        1000,
        ge=0,
        description="Events per second each app key may send to each server process; "
        "beyond it `POST /sdk/v1/events` answers 429 with Retry-After. 0 turns the limit off.",
    )
    ingest_burst: int = Field(
        20000,
        ge=1,
        description="Events an app key may send at once above its rate (the token bucket's "
        "size), e.g. after an outage when every browser flushes its queue.",
    )
    raw_event_retention_days: int | None = Field(
        None,
        ge=1,
        le=36500,
        description="Days raw events are kept; older ones are removed by the hourly maintenance "
        "job (on PostgreSQL a month's partition at a time, once all of it is older). Analytics "
        "read rollups and keep their counts. Unset keeps raw events forever.",
    )
    maintenance_interval_seconds: float = Field(
        3600,
        gt=0,
        description="How often each server process runs maintenance: PostgreSQL partitions for "
        "the months ahead, and raw-event retention.",
    )

    session_rate_per_second: float = Field(
        500,
        ge=0,
        description="Session requests per second each app key may make to each server "
        "process; beyond it `POST /sdk/v1/session` answers 429 with Retry-After. 0 turns the "
        "limit off.",
    )
    session_burst: int = Field(
        5000,
        ge=1,
        description="Session requests an app key may make at once above its rate, e.g. when "
        "every open tab reloads after a deploy.",
    )
    client_rate_per_second: float = Field(
        50,
        ge=0,
        description="Requests per second one client address may make to `/sdk/v1/session` "
        "and `/sdk/v1/events` on each server process (429 with Retry-After beyond it); "
        "generous, as many users may share an office's address. 0 turns the limit off.",
    )
    client_burst: int = Field(
        300,
        ge=1,
        description="Requests one client address may make at once above its rate.",
    )
    body_timeout_seconds: float = Field(
        10,
        gt=0,
        description="A request body must arrive within this time; a slower client is cut "
        "off with 408, so a trickle of bytes cannot hold a worker.",
    )
    webhook_retry_seconds: float = Field(
        30,
        gt=0,
        le=3600,
        description="Wait before the first retry of a failed webhook delivery; each next "
        "retry waits twice as long (with jitter, at most 6 hours), 12 attempts in all.",
    )
    webhook_timeout_seconds: float = Field(
        10, gt=0, le=60, description="How long a webhook receiver has to answer."
    )
    webhook_private_addresses: bool = Field(
        False,
        description="Let webhooks reach loopback, private, link-local and other non-public "
        "addresses (a receiver inside your own network). Off, a webhook cannot be used to "
        "call into the server's network.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("only sqlite:/// and postgresql+psycopg:// URLs are supported")
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("secret_key")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_KEY_LENGTH} characters")
        return value

    @model_validator(mode="after")
    def _resolve_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'signpost.db').as_posix()}"
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.port}"
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def ensure_secret_key(self) -> SecretStr:
        """The configured secret, or one generated once and kept (mode 0600) in the data folder."""
        if self.secret_key is None:
            path = self.data_dir / SECRET_KEY_FILE
            if path.exists():
                stored = path.read_text().strip()
                if len(stored) < MIN_SECRET_KEY_LENGTH:
                    raise SettingsError(f"{path} holds a secret key shorter than 32 characters")
                self.secret_key = SecretStr(stored)
            else:
                self.data_dir.mkdir(parents=True, exist_ok=True)
                generated = secrets.token_urlsafe(48)
                path.touch(mode=0o600)
                path.write_text(generated + "\n")
                self.secret_key = SecretStr(generated)
        return self.secret_key


class SettingsError(Exception):
    """A setting is wrong; the message is one line naming it and why."""


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with one clear line for the first wrong value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else "?"
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    # A database URL may hold a password: never echo it, like the secret key.
    shown = "" if "secret" in field or field == "database_url" else f" (got {value!r})"
    return f"invalid setting SIGNPOST_{field.upper()}: {message}{shown}"
