"""What kind of section a heading names (assistant.importers.kinds)."""

from __future__ import annotations

import pytest

from assistant.importers.kinds import kind_of


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Experience", "work"),
        ("Work experience", "work"),
        # The longest heading found decides, not the first kind listed.
        ("Outside work", "interests"),
        ("Volunteer work", "volunteer"),
        ("Selected work", "projects"),
        ("Programming languages", "skills"),
        ("Languages", "languages"),
        ("Open source", "projects"),
        ("Talks and writing", "publications"),
        ("Things I like", "other"),
    ],
)
def test_a_heading_names_its_kind(heading: str, kind: str) -> None:
    assert kind_of(heading).name == kind
