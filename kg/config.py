"""Settings, read once from the environment (GOVKG_*), with defaults that work out of the box."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: ontology/, shapes/, data/ live here


def _env(name: str, default: str) -> str:
    return os.environ.get("GOVKG_" + name, default)


def _env_path(name: str) -> Path | None:
    value = os.environ.get("GOVKG_" + name)
    return Path(value) if value else None


# The catalog's contact point until the publisher sets one (kg serve says so at start-up).
PLACEHOLDER_EMAIL = "govkg@example.org"


@dataclass(frozen=True)
class Settings:
    # Every minted IRI starts with this; the server dereferences IRIs under it wherever it runs.
    base_iri: str = field(default_factory=lambda: _env("BASE_IRI", "http://127.0.0.1:8000/"))
    # "oxigraph:PATH" (default, on disk), "memory:" or a remote "http(s)://host/sparql" endpoint.
    store: str = field(default_factory=lambda: _env("STORE", "oxigraph:var/store"))
    # Where rejected reports and the dumps go when set (GOVKG_QUARANTINE, GOVKG_DUMPS); unset, beside the store they
    # belong to (see _beside_store): read them as quarantine_dir and dumps_dir.
    quarantine: Path | None = field(default_factory=lambda: _env_path("QUARANTINE"))
    dumps: Path | None = field(default_factory=lambda: _env_path("DUMPS"))
    # SPARQL protection
    query_timeout_s: float = field(default_factory=lambda: float(_env("QUERY_TIMEOUT", "10")))
    max_rows: int = field(default_factory=lambda: int(_env("MAX_ROWS", "10000")))
    max_query_bytes: int = field(default_factory=lambda: int(_env("MAX_QUERY_BYTES", "65536")))
    max_concurrent_per_client: int = field(default_factory=lambda: int(_env("MAX_CONCURRENT", "4")))
    # Privacy: personal names and mobile numbers from contact lines are not published unless asked.
    publish_personal_contacts: bool = field(
        default_factory=lambda: _env("PUBLISH_PERSONAL_CONTACTS", "0").lower() in ("1", "true", "yes"))
    # Dataset description (DCAT)
    publisher_name: str = field(default_factory=lambda: _env("PUBLISHER", "GovKG"))
    contact_email: str = field(default_factory=lambda: _env("CONTACT_EMAIL", PLACEHOLDER_EMAIL))
    license_iri: str = field(default_factory=lambda: _env("LICENSE", "https://creativecommons.org/licenses/by/4.0/"))

    def __post_init__(self):
        if not self.base_iri.endswith("/"):
            object.__setattr__(self, "base_iri", self.base_iri + "/")

    @property
    def quarantine_dir(self) -> Path:
        return self.quarantine or self._beside_store("quarantine")

    @property
    def dumps_dir(self) -> Path:
        return self.dumps or self._beside_store("dumps")

    def _beside_store(self, what: str) -> Path:
        """Dumps and quarantine belong to the store they come from, beside it: oxigraph:/x/store has /x/dumps (the
        default layout: var/store, var/dumps), oxigraph:/x/kg has /x/kg-dumps, so two stores in one folder never
        share, or replace, each other's dumps. Other stores (memory:, remote) use var/."""
        if self.store.startswith("oxigraph:"):
            folder = Path(self.store.split(":", 1)[1])
            return folder.parent / ((folder.name + "-" if folder.name != "store" else "") + what)
        return Path("var") / what


def settings() -> Settings:
    return Settings()
