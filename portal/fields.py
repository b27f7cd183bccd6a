"""One labelled form field as the portal and the desk show it (the ``field`` macro of
``templates/portal/_form.html``), written in Python: a page with several forms renders
a few dozen fields, and WTForms' generic widgets plus a Jinja macro per field were most
of such a page's time.

The markup is WTForms' own, attribute for attribute (sorted, escaped and named as
``wtforms.widgets.html_params`` does; the field's ``render_kw`` and validation flags
added as its widgets add them) for the widgets the forms use: text, hidden and file
inputs, text areas and selects without groups. Any other widget is rendered by WTForms.
"""
from markupsafe import Markup, escape
from wtforms.widgets import FileInput, HiddenInput, Select, TextArea, TextInput
from wtforms.widgets.core import clean_key

INPUTS = (TextInput, HiddenInput, FileInput)


def attributes(values):
    """``wtforms.widgets.html_params``: sorted by name; True is a bare attribute, False
    leaves it out."""
    params = []
    for key, value in sorted(values.items()):
        key = clean_key(key)
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{_quoted(value)}"')
    return " ".join(params)


def _quoted(value):
    return str(escape(value)).replace('"', "&quot;")


def widget(field, **attrs):
    """What ``field(**attrs)`` renders."""
    kind = type(field.widget)
    if kind not in (*INPUTS, TextArea, Select) or getattr(field, "_datalist", None) is not None \
            or (kind is Select and field.has_groups()):
        return field(**attrs)
    params = {clean_key(k): v for k, v in (field.render_kw or {}).items()}
    params.update((clean_key(k), v) for k, v in attrs.items())
    params.setdefault("id", field.id)
    if kind is FileInput:
        params["value"] = False
        if field.widget.multiple:
            params["multiple"] = True
    elif kind is Select and field.widget.multiple:
        params["multiple"] = True
    if kind in INPUTS:
        params.setdefault("type", field.widget.input_type)
        if "value" not in params:
            params["value"] = field._value()
    flags = vars(field.flags)
    for name in field.widget.validation_attrs:
        if name in flags and name not in params:
            value = flags[name]
            params[name] = value() if kind in INPUTS and callable(value) else value
    params["name"] = field.name
    if kind is TextArea:
        return Markup(f"<textarea {attributes(params)}>\r\n{escape(field._value())}</textarea>")
    if kind is Select:
        return Markup(f"<select {attributes(params)}>{_options(field)}</select>")
    return Markup(f"<input {attributes(params)}>")


def _options(field):
    html = []
    for choice in field._iter_choices_normalized():
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        params = {"value": value, **(choice.render_kw or {})}
        if choice.selected:
            params["selected"] = True
        html.append(f"<option {attributes(params)}>{escape(choice.label or choice.value)}"
                    "</option>")
    return "".join(html)


def form_field(field, hint=None, **attrs):
    """The field in a form group: its label, the control, the hint and the errors, tied
    to the control by ``aria-describedby``."""
    described = []
    if hint:
        described.append(f"{field.id}-hint")
    if field.errors:
        described.append(f"{field.id}-errors")
    attrs["class"] = "form-control" + (" is-invalid" if field.errors else "")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    label = attributes({"class": "font-weight-bold", "for": field.label.field_id})
    html = ['<div class="form-group">\n',
            f"    <label {label}>{escape(field.label.text)}</label>\n",
            f"    {widget(field, **attrs)}\n"]
    if hint:
        html.append(f'    <small id="{escape(field.id)}-hint" class="form-text text-muted">'
                    f"{escape(hint)}</small>\n")
    if field.errors:
        html.append(f'    <ul id="{escape(field.id)}-errors" class="invalid-feedback d-block '
                    'list-unstyled mb-0">')
        html.extend(f"<li>{escape(error)}</li>" for error in field.errors)
        html.append("</ul>\n")
    html.append("  </div>")
    return Markup("".join(html))
