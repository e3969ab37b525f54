"""What kind of section a heading names, and what one does with it (assistant.index.kinds)."""

from __future__ import annotations

import pytest

from assistant.index.kinds import kind_of, kind_phrased, verbs_for


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
        # Software closing a heading is what she uses; opening one, what kind of work.
        ("Software", "skills"),
        ("Engineering software:", "skills"),
        ("Software projects", "projects"),
        ("Software engineering experience", "work"),
        ("Professional registration", "certificates"),
        ("Toolkit", "skills"),
        ("Technical proficiencies", "skills"),
        ("Career objective", "about"),
        ("Relevant coursework", "education"),
        ("Training and certifications", "certificates"),
        ("Professional affiliations", "certificates"),
        ("Grants and fellowships", "awards"),
        ("Patents", "publications"),
        ("Selected exhibitions", "projects"),
        ("Methods", "skills"),
        ("Research methods", "skills"),
        ("Laboratory techniques", "skills"),
        ("Where I have worked", "work"),
        ("Get in touch", "contact"),
    ],
)
def test_a_heading_names_its_kind(heading: str, kind: str) -> None:
    assert kind_of(heading).name == kind


def test_a_heading_of_several_words_in_a_question_names_its_kind() -> None:
    phrased = kind_phrased("What does he do outside work?")
    assert phrased is not None and phrased[0].name == "interests" and phrased[1] == "outside work"
    assert kind_phrased("Tell me about his work history") is not None
    for question in ("What does he do for fun?", "What does she do in her spare time?"):
        found = kind_phrased(question)
        assert found is not None and found[0].name == "interests"
    # One word is left to the engine ("work" may be his jobs or not); a heading holding
    # another kind's plural asks for some of that kind, which the portfolio may not have.
    assert kind_phrased("Where does he work?") is None
    assert kind_phrased("What programming languages does he know?") is None


def test_what_the_owner_does_with_a_kind_is_known_by_its_list_words() -> None:
    # site.yaml keeps a section's list words, not its kind.
    assert "speak" in verbs_for(["languages"])
    assert {"use", "used"} <= verbs_for(["skills", "tools", "technologies"])
    assert "study" in verbs_for(["degrees", "schools"])
    assert verbs_for(["interests", "hobbies"]) == frozenset()
