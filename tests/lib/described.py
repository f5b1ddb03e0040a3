"""described.py - the nouns as the binary describes them (`salespm serve --print-entities`,
the same JSON as GET /api/v1/entities), and records built from a description's examples
alone, for tests that drive every described noun without a line of their own per noun.

Wire values are computed here from the example text by the rules of SPEC.md (money in minor
units, a ratio as a percent over 100), not by the program under test."""
import json
import subprocess
from decimal import Decimal

from harness import BIN

RANK = {"viewer": 0, "rep": 1, "manager": 2, "admin": 3}


def entities():
    out = subprocess.run([BIN, "serve", "--print-entities"], capture_output=True, check=True,
                         timeout=60).stdout
    return {e["name"]: e for e in json.loads(out)["entities"]}


def wire(f, text, body):
    """The JSON value a form sends for text typed into field f (a field whose kind follows
    another's, as that one is in body)."""
    kind = f["variants"]["kinds"][body[f["variants"]["by"]]]["kind"] if "variants" in f else f["kind"]
    if kind == "money":
        return int(Decimal(text) * 100)
    if kind == "ratio":
        return float(Decimal(text) / 100)
    if kind == "count":
        return int(text)
    return text


def example_body(e, ref_key, unique=""):
    """A create body from e's examples: every required field, and every number, enum and date
    that has one. ref_key(noun) names an existing record of a referenced noun; unique is added
    to the key (a code) so that several callers create different records."""
    body = {}
    for f in e["fields"]:
        if f["readonly"] or f["input"] or f["example"] is None:
            continue
        if f["kind"] == "ref":
            body[f["name"]] = ref_key(f["ref"])
        elif f["required"] or f["kind"] in ("money", "ratio", "count", "enum", "date"):
            body[f["name"]] = wire(f, f["example"], body)
            if f["key"] and unique:
                body[f["name"]] = (body[f["name"]] + "_" + unique)[:60]
    return body
