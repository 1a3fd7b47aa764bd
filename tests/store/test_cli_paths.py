"""Where `kg` puts a store's dumps and quarantine when only --store is given."""
import argparse
from pathlib import Path

from kg.cli import _settings


def _for(store: str, monkeypatch):
    monkeypatch.delenv("GOVKG_DUMPS", raising=False)
    monkeypatch.delenv("GOVKG_QUARANTINE", raising=False)
    return _settings(argparse.Namespace(store=store, base=None))


def test_a_store_folder_named_store_keeps_the_default_layout(monkeypatch):
    s = _for("oxigraph:/x/var/store", monkeypatch)
    assert s.dumps_dir == Path("/x/var/dumps") and s.quarantine_dir == Path("/x/var/quarantine")


def test_two_stores_in_one_folder_do_not_share_dumps(monkeypatch):
    a, b = _for("oxigraph:/tmp/alpha", monkeypatch), _for("oxigraph:/tmp/beta", monkeypatch)
    assert a.dumps_dir == Path("/tmp/alpha-dumps") and b.dumps_dir == Path("/tmp/beta-dumps")
    assert a.quarantine_dir == Path("/tmp/alpha-quarantine")


def test_the_environment_still_decides(monkeypatch):
    monkeypatch.setenv("GOVKG_DUMPS", "/elsewhere/d")
    monkeypatch.delenv("GOVKG_QUARANTINE", raising=False)
    s = _settings(argparse.Namespace(store="oxigraph:/tmp/alpha", base=None))
    assert s.dumps_dir == Path("/elsewhere/d")


def test_govkg_store_alone_keeps_dumps_beside_it(monkeypatch):
    """The environment's store, like --store, has its dumps and quarantine beside it: a server of one store never
    lists another store's dumps (found by a README review: GOVKG_STORE alone used ./var/dumps)."""
    monkeypatch.delenv("GOVKG_DUMPS", raising=False)
    monkeypatch.delenv("GOVKG_QUARANTINE", raising=False)
    monkeypatch.setenv("GOVKG_STORE", "oxigraph:/srv/govkg/kg")
    s = _settings(argparse.Namespace(store=None, base=None))
    assert s.dumps_dir == Path("/srv/govkg/kg-dumps") and s.quarantine_dir == Path("/srv/govkg/kg-quarantine")
    monkeypatch.setenv("GOVKG_STORE", "memory:")
    assert _settings(argparse.Namespace(store=None, base=None)).dumps_dir == Path("var/dumps")


def test_serve_notes_the_catalogs_placeholder_contact_until_it_is_set(monkeypatch):
    from kg.cli import catalog_defaults_note
    from kg.config import PLACEHOLDER_EMAIL, Settings
    monkeypatch.delenv("GOVKG_CONTACT_EMAIL", raising=False)
    note = catalog_defaults_note(Settings())
    assert note and PLACEHOLDER_EMAIL in note and "GOVKG_CONTACT_EMAIL" in note and "GOVKG_LICENSE" in note
    monkeypatch.setenv("GOVKG_CONTACT_EMAIL", "opendata@xm.gov.cn")
    assert catalog_defaults_note(Settings()) is None
