#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate data/taxonomy.json from the original atlas's user guide.

Usage: gen-taxonomy.py GUIDE.txt [OUTPUT.json]

Reads the section "Classement des types de services" of the guide (a Markdown
text export) and writes the 4 axes, 12 enjeux, 28 usages and 150 services, in
guide order, with ids "1", "1a", "1a1" and "1a1-01". The labels are cleaned:
line-break hyphens are joined ("ser-vices" becomes "services"), apostrophes
become the typographic one, "..." becomes "…", straight double quotes become
« », numbering prefixes and runs of
spaces are removed. The output depends only on the guide, so running the script
twice gives the same bytes.
"""

import json
import re
import sys

SECTION_TITLE = "Classement des types de services"
EXPECTED_COUNTS = {"axes": 4, "enjeux": 12, "usages": 28, "services": 150}

# Words of the guide whose hyphen is part of the word. Any other hyphen between
# two lower-case letters is a line break left by the PDF export and is removed.
REAL_HYPHENATED_WORDS = {
    "co-production",
    "co-voiturage",
    "co-working",
    "coffre-fort",
    "e-réputation",
    "inter-administrations",
    "inter-associatifs",
    "inter-services",
    "micro-blogging",
    "opt-out",
    "plate-forme",
    "télé-présence",
    "visio-conférence",
}

# Spelling slips of the guide, fixed so that search and display agree.
SPELLING_FIXES = {
    "numerique": "numérique",
}

HYPHENATED_WORD = re.compile(r"\b(\w+)-(\w+)\b")
AXIS_HEADING = re.compile(r"^####\s+(\d)\.\s+(.*)$")
ENJEU_HEADING = re.compile(r"^#####\s+([a-z])\.\s+(.*)$")
USAGE_HEADING = re.compile(r"^######\s+(\d)\.\s+(.*)$")
SERVICE_ITEM = re.compile(r"^-\s+(.*)$")


def join_line_break_hyphens(text, joined_words):
    def replace(match):
        word = match.group(0)
        if word.lower() in REAL_HYPHENATED_WORDS:
            return word
        first, second = match.group(1), match.group(2)
        if not (first[-1].islower() and second[0].islower()):
            return word
        joined_words.add(word)
        return first + second

    return HYPHENATED_WORD.sub(replace, text)


def clean_label(text, joined_words):
    text = text.replace("\t", " ")
    text = text.replace("'", "\u2019")
    text = text.replace("...", "\u2026")
    # French quotation marks, with the no-break spaces French typography puts inside.
    text = re.sub(r'"([^"]*)"', "\u00ab\u00a0\\1\u00a0\u00bb", text)
    text = join_line_break_hyphens(text, joined_words)
    for wrong, right in SPELLING_FIXES.items():
        text = re.sub(r"\b%s\b" % wrong, right, text)
    text = re.sub(r" {2,}", " ", text)
    return text.strip()


def read_section(lines):
    """Return the lines of the classification section, headings included."""
    start = None
    for number, line in enumerate(lines):
        if line.startswith("### ") and SECTION_TITLE in line:
            start = number + 1
            break
    if start is None:
        sys.exit("error: section \"%s\" not found in the guide; "
                 "pass the atlas user guide as the first argument" % SECTION_TITLE)
    end = len(lines)
    for number in range(start, len(lines)):
        if re.match(r"^#{1,3}\s", lines[number]):
            end = number
            break
    return lines[start:end]


def parse(lines, joined_words):
    axes = []
    for raw in read_section(lines):
        # Headings carry tabs and spaces between the hashes and the number.
        line = re.sub(r"[ \t]+", " ", raw).strip()
        if not line:
            continue

        match = AXIS_HEADING.match(line)
        if match:
            axes.append({"id": match.group(1),
                         "label": clean_label(match.group(2), joined_words),
                         "enjeux": []})
            continue

        match = ENJEU_HEADING.match(line)
        if match:
            axis = axes[-1]
            axis["enjeux"].append({"id": axis["id"] + match.group(1),
                                   "label": clean_label(match.group(2), joined_words),
                                   "usages": []})
            continue

        match = USAGE_HEADING.match(line)
        if match:
            enjeu = axes[-1]["enjeux"][-1]
            enjeu["usages"].append({"id": enjeu["id"] + match.group(1),
                                    "label": clean_label(match.group(2), joined_words),
                                    "services": []})
            continue

        match = SERVICE_ITEM.match(line)
        if match:
            usage = axes[-1]["enjeux"][-1]["usages"][-1]
            number = len(usage["services"]) + 1
            usage["services"].append({"id": "%s-%02d" % (usage["id"], number),
                                      "label": clean_label(match.group(1), joined_words)})
            continue

        sys.exit("error: unexpected line in the classification section: %r" % raw)
    return axes


def count(axes):
    enjeux = [e for a in axes for e in a["enjeux"]]
    usages = [u for e in enjeux for u in e["usages"]]
    services = [s for u in usages for s in u["services"]]
    return {"axes": len(axes), "enjeux": len(enjeux),
            "usages": len(usages), "services": len(services)}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: gen-taxonomy.py GUIDE.txt [OUTPUT.json]")

    with open(sys.argv[1], encoding="utf-8") as guide:
        lines = guide.read().splitlines()

    joined_words = set()
    axes = parse(lines, joined_words)
    counts = count(axes)
    if counts != EXPECTED_COUNTS:
        sys.exit("error: found %s, expected %s; check the guide's headings"
                 % (counts, EXPECTED_COUNTS))

    document = {
        "source": "Atlaas user guide, section \"%s\"" % SECTION_TITLE,
        "axes": axes,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if len(sys.argv) == 3:
        with open(sys.argv[2], "w", encoding="utf-8") as output:
            output.write(text)
    else:
        sys.stdout.write(text)

    for word in sorted(joined_words):
        print("joined line-break hyphen: %s" % word, file=sys.stderr)


if __name__ == "__main__":
    main()
