"""Developer documentation (GET /6/docs/dev, /1/docs/dev): one readable HTML page built from the OpenAPI document.

The page lists every operation grouped by tag (service): method, path, summary, description,
parameters, request body, responses and the schemas they reference, so it never drifts from the
REST surface (both come from the same descriptor set).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

_METHOD_ORDER = ("get", "head", "post", "put", "patch", "delete", "options", "trace")
_SCHEMA_PREFIX = "#/components/schemas/"
_STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 70em; color: #222; line-height: 1.4; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
.op { border: 1px solid #ddd; border-radius: 4px; margin: 1em 0; padding: .5em 1em; }
.method { display: inline-block; min-width: 5em; font-weight: bold; text-transform: uppercase; }
code, pre { background: #f5f5f5; padding: 0 .2em; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { border: 1px solid #ddd; padding: .2em .5em; text-align: left; vertical-align: top; }
nav li { margin: .1em 0; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _anchor(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name)


def schema_text(schema: dict[str, Any]) -> str:
    """A short human-readable type of a schema: `string`, `array of FaceList`, `object`."""
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(_SCHEMA_PREFIX)
        return f'<a href="#schema-{_anchor(name)}">{_e(name)}</a>'
    if "allOf" in schema and schema["allOf"]:
        return schema_text(schema["allOf"][0])
    kind = schema.get("type")
    if kind == "array":
        return "array of " + schema_text(schema.get("items", {}))
    if kind is None:
        return "any"
    text = _e(kind)
    if "format" in schema:
        text += f" ({_e(schema['format'])})"
    if "enum" in schema:
        text += ": " + ", ".join(_e(v) for v in schema["enum"])
    if "minimum" in schema or "maximum" in schema:
        text += f", {_e(schema.get('minimum', ''))}..{_e(schema.get('maximum', ''))}"
    if "default" in schema:
        text += f", default {_e(schema['default'])}"
    if schema.get("nullable"):
        text += ", nullable"
    return text


def _resolve(components: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A parameter or response, following a `#/components/<kind>/<name>` reference."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/components/"):
        return node
    kind, _, name = ref.removeprefix("#/components/").partition("/")
    found = components.get(kind, {}).get(name)
    return found if isinstance(found, dict) else node


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{_e(part)}</p>" for part in text.split("\n\n") if part.strip())


def _parameters(parameters: Iterable[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td><code>{_e(p['name'])}</code></td><td>{_e(p['in'])}</td>"
        f"<td>{'yes' if p.get('required') else 'no'}</td><td>{schema_text(p.get('schema', {}))}</td>"
        f"<td>{_e(p.get('description', ''))}</td></tr>"
        for p in parameters
    )
    if not rows:
        return ""
    return (
        f"<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th>description</th></tr>{rows}</table>"
    )


def _content(content: dict[str, Any]) -> str:
    return "; ".join(
        f"<code>{_e(media)}</code> {schema_text(entry.get('schema', {}))}" for media, entry in content.items()
    )


def _operation(method: str, path: str, operation: dict[str, Any], components: dict[str, Any]) -> str:
    parts = [
        f'<div class="op" id="{_e(operation.get("operationId", ""))}">',
        f'<div><span class="method">{_e(method)}</span> <code>{_e(path)}</code>',
    ]
    if operation.get("summary"):
        parts.append(f" &mdash; {_e(operation['summary'])}")
    parts.append("</div>")
    description = str(operation.get("description", ""))
    if description and description != operation.get("summary"):
        parts.append(_paragraphs(description))
    parts.append(_parameters(_resolve(components, p) for p in operation.get("parameters", [])))
    body = operation.get("requestBody")
    if body:
        text = _content(body.get("content", {}))
        if body.get("description"):
            text += f" &mdash; {_e(body['description'])}"
        parts.append(f"<p>Request body: {text}</p>")
    responses = []
    for status, given in operation.get("responses", {}).items():
        response = _resolve(components, given)
        text = f"<li><b>{_e(status)}</b> {_e(response.get('description', ''))}"
        if response.get("content"):
            text += ": " + _content(response["content"])
        responses.append(text + "</li>")
    parts.append(f"<p>Responses:</p><ul>{''.join(responses)}</ul>")
    parts.append(f"<p><small>operationId <code>{_e(operation.get('operationId', ''))}</code></small></p>")
    parts.append("</div>")
    return "".join(parts)


def _schema(name: str, schema: dict[str, Any]) -> str:
    parts = [f'<h3 id="schema-{_anchor(name)}">{_e(name)}</h3>']
    if schema.get("description"):
        parts.append(_paragraphs(str(schema["description"])))
    properties = schema.get("properties", {})
    if properties:
        rows = "".join(
            f"<tr><td><code>{_e(prop)}</code></td><td>{schema_text(value)}</td>"
            f"<td>{_e(value.get('description', ''))}</td></tr>"
            for prop, value in properties.items()
        )
        parts.append(f"<table><tr><th>field</th><th>type</th><th>description</th></tr>{rows}</table>")
    else:
        parts.append(f"<p>{schema_text(schema)}</p>")
    return "".join(parts)


def render_html(document: dict[str, Any], spec_path: str = "/6/docs/spec") -> str:
    """The developer manual page for an OpenAPI document built by server.docs.openapi, served next to that
    document at spec_path (the listener's own: /6/docs/spec, /1/docs/spec)."""
    info = document.get("info", {})
    title = f"{info.get('title', 'API')} {info.get('version', '')}".strip()
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in sorted(item, key=lambda m: _METHOD_ORDER.index(m) if m in _METHOD_ORDER else 99):
            operation = item[method]
            tag = (operation.get("tags") or ["Other"])[0]
            by_tag.setdefault(tag, []).append((method, path, operation))
    descriptions = {t["name"]: t.get("description", "") for t in document.get("tags", [])}
    components = document.get("components", {})
    tags = sorted(by_tag)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        "<p>Every REST operation of this server, generated from its protobuf definitions. "
        f'The machine-readable OpenAPI document is at <a href="{_e(spec_path)}">{_e(spec_path)}</a> '
        "(send <code>Accept: application/x-yaml</code> for YAML). Errors are returned as "
        '<a href="#schema-Error">Error</a> objects.</p>',
        "<nav><ul>",
        *(f'<li><a href="#tag-{_anchor(t)}">{_e(t)}</a> ({len(by_tag[t])} operations)</li>' for t in tags),
        '<li><a href="#schemas">Schemas</a></li></ul></nav>',
    ]
    for tag in tags:
        out.append(f'<h2 id="tag-{_anchor(tag)}">{_e(tag)}</h2>')
        if descriptions.get(tag):
            out.append(_paragraphs(descriptions[tag]))
        out.extend(_operation(method, path, operation, components) for method, path, operation in by_tag[tag])
    out.append('<h2 id="schemas">Schemas</h2>')
    schemas = components.get("schemas", {})
    out.extend(_schema(name, schema) for name, schema in schemas.items())
    out.append("</body></html>")
    return "\n".join(out) + "\n"
