"""The repository says what users may do with it, and how to cite it.

- LICENSE: the MIT License, for the code (the same text goes into the wheel);
- LICENSE-content.md: CC BY 4.0, for the text and figures;
- CITATION.cff: valid Citation File Format 1.2.0 (required keys and their
  types, per the format's schema), pointing at the repository of _config.yml.

The website's footer states both licences in every page's language
(test_browser.py checks it).
"""

from __future__ import annotations

import re

import yaml

from conftest import ROOT

MIT_TERMS = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy",
    "The above copyright notice and this permission notice shall be included in all",
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR',
)
# Keys CFF 1.2.0 allows at the top level (schema.json of citation-file-format 1.2.0).
CFF_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
    "keywords", "license", "license-url", "message", "preferred-citation", "references", "repository",
    "repository-artifact", "repository-code", "title", "type", "url", "version",
}
CFF_PERSON_OR_ENTITY = {"family-names", "given-names", "name-particle", "name-suffix", "affiliation", "name",
                        "email", "orcid", "website", "address", "city", "country", "post-code", "region", "tel",
                        "fax", "alias", "date-start", "date-end", "location"}


def _citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_code_licence_is_mit():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 The course authors\n"), text[:80]
    for terms in MIT_TERMS:
        assert terms in text, f"LICENSE lacks the MIT terms {terms!r}"


def test_content_licence_is_cc_by_4():
    text = (ROOT / "LICENSE-content.md").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International" in text
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    assert "`LICENSE`" in text, "the content licence must say where the code's licence is"


def test_citation_file_is_valid_cff_1_2_0():
    cff = _citation()
    assert isinstance(cff, dict), "CITATION.cff must be a YAML mapping"
    unknown = sorted(set(cff) - CFF_KEYS)
    assert not unknown, f"keys that CFF 1.2.0 does not define: {unknown}"
    for key in ("cff-version", "message", "title", "authors"):  # required by the schema
        assert key in cff, f"CITATION.cff lacks the required key {key!r}"
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"].strip()
    assert isinstance(cff["title"], str) and cff["title"].strip()
    assert isinstance(cff["authors"], list) and cff["authors"], "authors must be a non-empty list"
    for author in cff["authors"]:
        assert isinstance(author, dict) and set(author) <= CFF_PERSON_OR_ENTITY, author
        assert author.get("name") or author.get("family-names") or author.get("given-names"), author
    assert cff.get("type", "software") in {"software", "dataset"}
    licences = cff.get("license", [])
    licences = [licences] if isinstance(licences, str) else licences
    assert set(licences) == {"MIT", "CC-BY-4.0"}, f"license must name the code's and the content's licences: {licences}"
    for key in ("repository-code", "url", "repository"):
        if key in cff:
            assert re.match(r"^https?://", cff[key]), f"{key} must be a URL: {cff[key]!r}"
    assert isinstance(cff.get("keywords", []), list)


def test_citation_points_at_the_configured_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert _citation()["repository-code"] == config["repository"]["url"], (
        "CITATION.cff's repository-code must match `repository: url` in _config.yml; update both when publishing"
    )
