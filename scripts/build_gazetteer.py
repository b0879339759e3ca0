"""Build ``summarizer/data/gazetteer.tsv`` from the Phoenix/PETRARCH2 CAMEO actor dictionaries.

Usage: python scripts/build_gazetteer.py [PHOENIX_DIR] [--out FILE]
       (defaults: ../shared/eval/actors/phoenix, summarizer/data/gazetteer.tsv)

Source: ``Phoenix.Countries.actors.txt`` and ``Phoenix.International.actors.txt`` from
openeventdata/petrarch2 (commit 676801cd), MIT licence, Copyright (c) 2014 Open Event Data Alliance.
Only names are taken (no CAMEO codes, no dated roles: roles come from the article, never from here).

Each output line is ``alias<TAB>kind<TAB>canonical``:

- ``country``: a name of a country (``Ukraine``, ``U.S.``, ``America``) -> the country;
- ``demonym``: ``Ukrainian``, ``Russians`` -> the country (an affiliation, not an actor of its own);
- ``place``: a city or region the dictionary files under a country (``Kiev``, ``Crimea``) -> the country;
- ``org``: an international organisation (``NATO``, ``North Atlantic Treaty Organization``) -> its short name;
- ``metonym``: a seat of government that stands for its country (``the Kremlin``) -> the country.

The dictionaries mix spelling variants, cities and demonyms under each country; the rules below sort
them (see ``_classify``). A short curated table (``SUPPLEMENT``) adds what the 2014 dictionaries lack or
file elsewhere; it is ours, not Phoenix's.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from summarizer.lexicon import PLATFORMS

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "summarizer" / "data" / "gazetteer.tsv"
DEFAULT_SOURCE = ROOT.parent / "shared" / "eval" / "actors" / "phoenix"

#: Display names for countries whose dictionary name is a long official form.
DISPLAY = {
    "RUSSIAN_FEDERATION": "Russia",
    "UNITED_STATES_OF_AMERICA": "United States",
    "UNITED_KINGDOM": "United Kingdom",
    "REPUBLIC_OF_SOUTH_AFRICA": "South Africa",
    "UNITED_REPUBLIC_OF_TANZANIA": "Tanzania",
    "BRUNEI_DARUSSALAM": "Brunei",
    "DEMOCRATIC_REPUBLIC_OF_THE_CONGO": "Democratic Republic of the Congo",
    "FEDERATION_OF_SAINT_KITTS_AND_NEVIS": "Saint Kitts and Nevis",
    "MADAGASKAR": "Madagascar",
    "COTE_D'IVOIRE": "Ivory Coast",
}
#: Country names that do not start like the dictionary name (so the prefix rule cannot see them).
VARIANTS = {
    "AMERICA",
    "THE_UNITED_STATES",
    "UNITED_STATES",
    "U.S.",
    "U.S.A.",
    "USA",
    "US",
    "THE_US",
    "BRITAIN",
    "GREAT_BRITAIN",
    "U.K.",
    "UK",
    "THE_UK",
    "HOLLAND",
    "BURMA",
    "PERSIA",
    "DEUTSCHLAND",
    "CZECHIA",
    "SOUTH_KOREA",
    "NORTH_KOREA",
    "IVORY_COAST",
    "EAST_TIMOR",
    "VATICAN",
}
_DEMONYM_END = re.compile(r"(?:IANS?|ANS?|ESE|ISH|IS?|CH|SS|IC|EK|EANS?|INES?|OTS?|ONS?|ERS?|ENS?)$")
_ORG_WORDS = re.compile(
    r"\b(?:ORGANI[SZ]ATION|UNION|NATIONS|AGENCY|COUNCIL|BANK|FUND|COMMISSION|COURT|ASSOCIATION|COMMITTEE|"
    r"FORUM|PROGRAMME|PROGRAM|INSTITUTE|FEDERATION|LEAGUE|PARLIAMENT|COMMUNITY|ALLIANCE|CONFERENCE|"
    r"FOUNDATION|SOCIETY|MOVEMENT|CROSS|CRESCENT|WATCH|AMNESTY|TRIBUNAL|SECRETARIAT|CORPS|PARTNERSHIP|"
    r"OFFICE|CENTRE|CENTER|GROUP|PACT|ASSEMBLY|AUTHORITY|BOARD|MISSION)\b"
)
_ACRONYMS = {"US", "USA", "UK", "UN", "EU", "NATO", "OPEC", "OSCE", "ASEAN", "UNICEF", "UNESCO", "NAFTA"}
_SMALL = {"of", "the", "and", "for", "in", "on", "de", "al", "du", "la", "to"}
_CLEAN = re.compile(r"^[A-Z][A-Z.'\- ]*[A-Z.]$")

SUPPLEMENT = [
    ("Kremlin", "metonym", "Russia"),
    ("White House", "metonym", "United States"),
    ("Pentagon", "metonym", "United States"),
    ("State Department", "metonym", "United States"),
    ("Downing Street", "metonym", "United Kingdom"),
    ("Elysee", "metonym", "France"),
    ("Élysée", "metonym", "France"),
    ("Zhongnanhai", "metonym", "China"),
    ("Kyiv", "place", "Ukraine"),
    # The home nations and other teams that play as countries.
    ("England", "country", "England"),
    ("Scotland", "country", "Scotland"),
    ("Wales", "country", "Wales"),
    ("Northern Ireland", "country", "Northern Ireland"),
    ("West Indies", "country", "West Indies"),
    ("UAE", "country", "United Arab Emirates"),
    ("UK", "country", "United Kingdom"),  # the dictionaries write only "U.K."
    ("Yugoslavia", "country", "Yugoslavia"),
    ("Soviet Union", "country", "Soviet Union"),
    ("Dutch", "demonym", "Netherlands"),
    # The home nations' people ("The Scot, who led GB", "The Welsh striker"): nationals, not places.
    ("Scot", "demonym", "Scotland"),
    ("Scots", "demonym", "Scotland"),
    ("Scottish", "demonym", "Scotland"),
    ("Welsh", "demonym", "Wales"),
    ("Welshman", "demonym", "Wales"),
    ("Englishman", "demonym", "England"),
    ("Northern Irish", "demonym", "Northern Ireland"),
    ("Donbas", "place", "Ukraine"),
    ("Donbass", "place", "Ukraine"),
    ("Organization for Security and Cooperation in Europe", "org", "OSCE"),
    ("Organization for Security and Co-operation in Europe", "org", "OSCE"),
    ("OSCE", "org", "OSCE"),
    ("EU", "org", "European Union"),
    ("European Union", "org", "European Union"),
    ("NATO", "org", "NATO"),
    ("North Atlantic Treaty Organization", "org", "NATO"),
    ("United Nations", "org", "United Nations"),
    ("UN", "org", "United Nations"),
    ("U.N.", "org", "United Nations"),
    # The clubs of leading economies, written with digits in the news ("the G7 meeting") and as "G 7"
    # or "Group of Seven" in the dictionaries; the small model takes "G7" for a product or a country.
    ("G7", "org", "G7"),
    ("G-7", "org", "G7"),
    ("Group of Seven", "org", "G7"),
    ("G8", "org", "G8"),
    ("G-8", "org", "G8"),
    ("Group of Eight", "org", "G8"),
    ("G20", "org", "G20"),
    ("G-20", "org", "G20"),
    ("Group of Twenty", "org", "G20"),
    # Platforms and a streamer: the small model takes them for people or places ("on Twitter", "Weibo users").
    *((name, "org", name) for name in sorted(PLATFORMS | {"Netflix"})),
]


def _words(name: str) -> str:
    return name.strip().strip("_").replace("_", " ").strip()


def _title(name: str) -> str:
    words = _words(name).split()
    out = []
    for n, w in enumerate(words):
        lw = w.lower()
        if n and lw in _SMALL:
            out.append(lw)
        elif "." in w or w in _ACRONYMS or (len(w) <= 5 and w.isalpha() and not re.search(r"[AEIOUY]", w)):
            out.append(w)  # U.S., UK, IAEA-like acronyms keep their capitals
        else:
            out.append("-".join(p.capitalize() for p in w.split("-")))
    return " ".join(out)


def _acronym(name: str) -> bool:
    w = _words(name)
    return " " not in w and (bool(re.fullmatch(r"(?:[A-Z]\.){2,4}", w)) or w in _ACRONYMS)


def _blocks(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(head name, aliases, codes) per entry; comments dropped."""
    blocks: list[tuple[str, list[str], list[str]]] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = re.findall(r"\[([^\]]+)\]", line)
        name = re.sub(r"\[[^\]]*\]", "", line).strip()
        if raw.startswith(("\t", " ")) and not name:
            if blocks:
                blocks[-1][2].extend(codes)
        elif line.startswith("+"):
            if blocks:
                blocks[-1][1].append(name[1:].strip())
                blocks[-1][2].extend(codes)
        elif name:
            blocks.append((name, [], codes))
    return blocks


def _classify(head: str, alias: str, seen: list[str]) -> str:
    """Sort one alias of a country entry; ``seen`` holds the country names met so far in the entry."""
    w = _words(alias).upper()
    stem = _words(head).upper()[:3]
    if alias.strip("_ ") in VARIANTS:
        return "country"
    # Ends like a demonym, starts like a name of the country, but does not end like one (a misspelt
    # "Afganistan" ends like "Afghanistan", "Russian" does not end like "Russia").
    if (
        " " not in w
        and _DEMONYM_END.search(w)
        and any(w[:2] == n[:2] for n in seen)
        and not any(w[-3:] == n[-3:] for n in seen)
    ):
        return "demonym"
    if w.startswith(stem):
        return "country"
    return "place"


def main() -> None:
    """Write the gazetteer."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    src, out = args.source, args.out
    rows: dict[str, tuple[str, str, str]] = {}

    def add(alias: str, kind: str, canonical: str, *, keep_case: bool = False) -> None:
        if not _CLEAN.match(_words(alias).upper()) or len(_words(alias)) < 2:
            return
        text = _words(alias) if keep_case or _acronym(alias) else _title(alias)
        rows.setdefault(text.lower(), (text, kind, canonical))

    for text, kind, canonical in SUPPLEMENT:
        rows[text.lower()] = (text, kind, canonical)  # curated: wins over the dictionaries
    for head, aliases, codes in _blocks(src / "Phoenix.Countries.actors.txt"):
        if not any(re.fullmatch(r"[A-Z]{3}(?: [<>]?[\d\-]+)?", c.strip()) for c in codes):
            continue  # persons and institutions: not names of places
        key = head.strip().strip("_")
        country = DISPLAY.get(key, _title(head))
        add(head, "country", country)
        stem = _words(head).upper()[:3]
        seen = [_words(head).upper()]
        seen += [
            _words(a).upper()
            for a in aliases
            if a.strip("_ ") in VARIANTS
            or (_words(a).upper().startswith(stem) and not _DEMONYM_END.search(_words(a).upper()))
        ]
        for alias in aliases:
            kind = _classify(head, alias, seen)
            add(alias, kind, country)
            if kind == "demonym" and _words(alias).upper().endswith(("AN", "I")):
                add(alias.strip("_ ") + "S", "demonym", country)
    for head, aliases, codes in _blocks(src / "Phoenix.International.actors.txt"):
        names = [head, *aliases]
        orgish = any(_ORG_WORDS.search(_words(n).upper()) for n in names)
        igo = any(c.strip()[:3] in ("IGO", "NGO") for c in codes)
        short_names = [n for n in names if " " not in _words(n) and 2 <= len(_words(n).replace(".", "")) <= 6]
        if not (orgish or (igo and short_names)):
            continue
        short = min(short_names, key=len, default=head)
        canonical = _words(short) if short in short_names else _title(short).removeprefix("The ")
        for n in names:
            if _words(n).upper().startswith("THE "):
                n = _words(n)[4:]
            add(n, "org", canonical, keep_case=n in short_names)
    header = (
        "# alias<TAB>kind<TAB>canonical. Generated by scripts/build_gazetteer.py from the Phoenix/PETRARCH2\n"
        "# CAMEO actor dictionaries (openeventdata/petrarch2@676801cd, MIT, (c) 2014 Open Event Data Alliance)\n"
        "# plus the script's own SUPPLEMENT table. Do not edit by hand.\n"
    )
    body = "\n".join("\t".join(rows[k]) for k in sorted(rows))
    out.write_text(header + body + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} aliases to {out}")


if __name__ == "__main__":
    main()
