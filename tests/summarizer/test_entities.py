"""Entity corrections (summarizer.entities) on small texts, and the shipped gazetteer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def ents(pipeline):
    def _ents(text: str) -> list[tuple[str, str]]:
        return [(e.text, e.label_) for e in pipeline.parse_text(text).ents if e.label_ not in ("DATE", "CARDINAL")]

    return _ents


def test_gazetteer_fixes_capitals_and_regions(ents) -> None:
    found = dict(ents("Moscow warns Kiev against retaking Crimea, which Russia annexed in 2014."))
    assert found["Kiev"] == "GPE" and found["Crimea"] == "GPE" and found["Moscow"] == "GPE"


def test_long_organisation_names_stay_whole_and_lose_the(ents) -> None:
    found = ents(
        "The ministers meet at the Organization for Security and Cooperation in Europe in Stockholm. "
        "The ministry said the Kremlin was ready."
    )
    assert ("Organization for Security and Cooperation in Europe", "ORG") in found
    assert ("Kremlin", "ORG") in found


def test_us_is_a_country_but_us_the_pronoun_is_not(ents) -> None:
    found = ents("The US said it would help us. The U.S. Senate agreed.")
    assert ("US", "GPE") in found
    assert all(text != "us" for text, _ in found)


def test_short_form_takes_the_full_names_label(ents) -> None:
    found = ents("Prime Minister John Major spoke on Monday. Major said the vote would be held in May.")
    assert ("Major", "PERSON") in found


def test_entities_never_cross_a_line_break(ents) -> None:
    found = ents("By Edna Fernandes\nLONDON 1996-12-06\nBritish Airways said on Friday it would cut fares.")
    assert all("\n" not in text for text, _ in found)
    assert ("LONDON", "GPE") in found


def test_titles_are_cut_from_names(ents) -> None:
    found = ents("General Antoine Lahd commands the militia in the south.")
    assert ("Antoine Lahd", "PERSON") in found


def test_sports_report_cities_are_clubs(ents) -> None:
    found = ents("SOCCER - SPANISH CHAMPIONSHIP RESULTS .\nMADRID 1996-12-07\nBarcelona beat Valencia 2-1 on Saturday.")
    assert ("Barcelona", "ORG") in found and ("MADRID", "GPE") in found


def test_shipped_gazetteer_is_what_the_script_builds(tmp_path, shared_eval) -> None:
    source = shared_eval / "actors" / "phoenix"
    out = tmp_path / "gazetteer.tsv"
    script = ROOT / "scripts" / "build_gazetteer.py"
    subprocess.run([sys.executable, str(script), str(source), "--out", str(out)], check=True, capture_output=True)
    shipped = ROOT / "summarizer" / "data" / "gazetteer.tsv"
    assert out.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
