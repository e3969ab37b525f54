"""Re-running an import: the same bytes; the owner's edits kept unless --force; nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import ImportProblem
from assistant.importers import import_portfolio
from assistant.index.corpus import load_corpus
from tests.importers.support import PORTFOLIOS

SOURCE = PORTFOLIOS / "designer-markdown" / "portfolio.md"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_source_same_bytes(tmp_path: Path) -> None:
    target = tmp_path / "c"
    import_portfolio([str(SOURCE)], target, pronouns="she")
    first = _snapshot(target)
    import_portfolio([str(SOURCE)], target, pronouns="she")
    assert _snapshot(target) == first
    # No temporary folder is left beside it.
    assert [p.name for p in tmp_path.iterdir()] == ["c"]


def _edit_first_entry(path: Path, new_text: str) -> None:
    data = yaml.safe_load(path.read_text())
    data["entries"][0]["text"] = new_text
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_edited_entry_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "c"
    import_portfolio([str(SOURCE)], target, pronouns="she")
    edited = "Lena leads design at Havbris and edited this sentence herself."
    _edit_first_entry(target / "experience.yaml", edited)
    added = yaml.safe_load((target / "skills.yaml").read_text())
    added["entries"].append(
        {
            "id": "mine",
            "title": "Mine",
            "updated": "2026-01-01",
            "text": "An entry the owner wrote by hand.",
        }
    )
    (target / "skills.yaml").write_text(yaml.safe_dump(added, sort_keys=False))

    written = import_portfolio([str(SOURCE)], target, pronouns="she")
    assert set(written.kept) == {
        "experience/lead-product-designer-havbris-2021-present",
        "skills/mine",
    }
    by_uid = load_corpus(target).by_uid()
    assert by_uid["experience/lead-product-designer-havbris-2021-present"].text == edited
    assert "skills/mine" in by_uid
    # Still detected as edited on the next run: the manifest keeps the imported version's hash.
    again = import_portfolio([str(SOURCE)], target, pronouns="she")
    assert "experience/lead-product-designer-havbris-2021-present" in again.kept

    forced = import_portfolio([str(SOURCE)], target, pronouns="she", force=True)
    assert forced.kept == ()
    by_uid = load_corpus(target).by_uid()
    assert by_uid["experience/lead-product-designer-havbris-2021-present"].text != edited
    assert "skills/mine" not in by_uid


def test_edited_site_settings_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "c"
    import_portfolio([str(SOURCE)], target, pronouns="she")
    site = yaml.safe_load((target / "site.yaml").read_text())
    site["suggestions"] = ["What did Lena design for ferries?"]
    (target / "site.yaml").write_text(yaml.safe_dump(site, sort_keys=False))
    import_portfolio([str(SOURCE)], target, pronouns="she")
    assert load_corpus(target).site.suggestions == ("What did Lena design for ferries?",)


def test_a_folder_not_made_by_import_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "c"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(ImportProblem, match="was not written by assistant import; pass --force"):
        import_portfolio([str(SOURCE)], target, pronouns="she")
    assert _snapshot(target) == {"notes.txt": b"mine"}
    import_portfolio([str(SOURCE)], target, pronouns="she", force=True)
    assert (target / "site.yaml").is_file()


def test_a_failed_import_leaves_the_old_folder(tmp_path: Path) -> None:
    target = tmp_path / "c"
    import_portfolio([str(SOURCE)], target, pronouns="she")
    before = _snapshot(target)
    broken = tmp_path / "broken.json"
    broken.write_text('{"basics": {}}')
    with pytest.raises(ImportProblem):
        import_portfolio([str(broken)], target, force=True)
    assert _snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "c"]
