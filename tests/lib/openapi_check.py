"""openapi_check.py - checks HTTP answers against salespm's OpenAPI 3.1 document.

Standard library only (jsonschema is not a dependency we can rely on): a small
JSON Schema validator for the keywords the document uses ($ref, type with
"null", properties, required, additionalProperties, enum, const, minimum,
maximum, multipleOf, minLength, maxLength, pattern, items, oneOf, anyOf,
allOf), and the lookup of an answer's operation by method and path.
"""
import json
import re
from urllib.parse import urlsplit

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _pattern(p):
    # JSON Schema patterns are ECMA-262; the document uses \uXXXX, which Python's re knows.
    return re.compile(p)


class Validator:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref: {ref}")
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, schema, value, path="$"):
        """Every way value fails schema, as 'path: what' strings (empty: it passes)."""
        out = []
        self._check(schema, value, path, out)
        return out

    def valid(self, schema, value):
        return not self.errors(schema, value)

    def _check(self, s, v, path, out):
        if s is True or s == {}:
            return
        if s is False:
            out.append(f"{path}: no value is allowed here")
            return
        if "$ref" in s:
            self._check(self.resolve(s["$ref"]), v, path, out)
        t = s.get("type")
        if t is not None:
            types = t if isinstance(t, list) else [t]
            if not any(_TYPES[x](v) for x in types):
                out.append(f"{path}: {json.dumps(v)[:80]} is not of type {t}")
                return
        if "enum" in s and v not in s["enum"]:
            out.append(f"{path}: {json.dumps(v)[:80]} is not one of {s['enum']}")
        if "const" in s and v != s["const"]:
            out.append(f"{path}: {json.dumps(v)[:80]} is not {s['const']!r}")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in s and v < s["minimum"]:
                out.append(f"{path}: {v} is below the minimum {s['minimum']}")
            if "maximum" in s and v > s["maximum"]:
                out.append(f"{path}: {v} is above the maximum {s['maximum']}")
            if "multipleOf" in s:
                q = v / s["multipleOf"]
                if abs(q - round(q)) > 1e-6:
                    out.append(f"{path}: {v} is not a multiple of {s['multipleOf']}")
        if isinstance(v, str):
            if "minLength" in s and len(v) < s["minLength"]:
                out.append(f"{path}: {v[:40]!r} is shorter than {s['minLength']}")
            if "maxLength" in s and len(v) > s["maxLength"]:
                out.append(f"{path}: {v[:40]!r}... is longer than {s['maxLength']}")
            if "pattern" in s and not _pattern(s["pattern"]).search(v):
                out.append(f"{path}: {v[:60]!r} does not match {s['pattern']}")
        if isinstance(v, dict):
            props = s.get("properties", {})
            for k in s.get("required", []):
                if k not in v:
                    out.append(f"{path}: the required member {k!r} is missing")
            for k, x in v.items():
                if k in props:
                    self._check(props[k], x, f"{path}.{k}", out)
                elif "additionalProperties" in s:
                    ap = s["additionalProperties"]
                    if ap is False:
                        out.append(f"{path}: the member {k!r} is not allowed")
                    elif isinstance(ap, dict):
                        self._check(ap, x, f"{path}.{k}", out)
        if isinstance(v, list) and "items" in s:
            for i, x in enumerate(v):
                self._check(s["items"], x, f"{path}[{i}]", out)
        for sub in s.get("allOf", []):
            self._check(sub, v, path, out)
        if "anyOf" in s and not any(self.valid(x, v) for x in s["anyOf"]):
            out.append(f"{path}: matches none of anyOf")
        if "oneOf" in s:
            n = sum(1 for x in s["oneOf"] if self.valid(x, v))
            if n != 1:
                out.append(f"{path}: matches {n} of oneOf, not exactly one")


def _template_re(template):
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p)
                                    for p in parts) + "$")


class Document:
    """The document and its operations, found by method and concrete path."""

    def __init__(self, doc):
        self.doc = doc
        self.v = Validator(doc)
        # literal segments first, as the server's router prefers them (/sales/import over /sales/{id})
        self.paths = sorted(doc["paths"].items(),
                            key=lambda kv: [s.startswith("{") for s in kv[0].split("/")])
        self.regex = {p: _template_re(p) for p, _ in self.paths}

    def find(self, path):
        """(template, path item) of a concrete path, or (None, None)."""
        for p, item in self.paths:
            if self.regex[p].match(path):
                return p, item
        return None, None

    def response(self, op, status):
        r = op["responses"].get(str(status))
        if r and "$ref" in r:
            r = self.v.resolve(r["$ref"])
        return r

    def check(self, method, url, status, content_type, body):
        """Problems with one answer (an empty list: it is what the document says)."""
        path = urlsplit(url).path
        if not path.startswith("/api/v1/"):
            return []
        tmpl, item = self.find(path)
        problems = []
        if item is None or method.lower() not in item:
            # no operation: the router's own 404 / 405, which are Error bodies
            if status not in (404, 405):
                return [f"{method} {path}: {status} from a route the document does not have"]
            schema = {"$ref": "#/components/schemas/Error"}
            media = "application/json"
        else:
            op = item[method.lower()]
            r = self.response(op, status)
            if r is None:
                return [f"{method} {tmpl} ({op.get('operationId')}): status {status} is not "
                        f"documented (documented: {sorted(op['responses'])})"]
            content = r.get("content")
            if not content:
                return [] if not body else [f"{method} {tmpl}: {status} has a body the document does not describe"]
            got = (content_type or "").split(";")[0].strip().lower()
            # the first media type, or another the document lists for the answer (a file)
            media, mt = next(iter(content.items()))
            if got in content:
                media, mt = got, content[got]
            schema = mt.get("schema", {})
        got = (content_type or "").split(";")[0].strip().lower()
        if got != media:
            problems.append(f"{method} {path}: {status} is {content_type!r}, the document says {media}")
            return problems
        if media != "application/json":
            return problems
        try:
            value = json.loads(body)
        except ValueError as e:
            return [f"{method} {path}: {status} body is not JSON: {e}"]
        for e in self.v.errors(schema, value):
            problems.append(f"{method} {tmpl or path} {status}: {e}")
        return problems
