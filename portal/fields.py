"""Form fields as the portal and the desk show them, for templates (``form_field``,
``form_message``, ``form_attachments``): a label, the control, a hint and the errors.
Written in Python rather than as Jinja macros: a page with several forms renders a
dozen fields, and macros around WTForms' generic widgets were most of such a page's time.

The markup is WTForms' own, attribute for attribute (sorted, escaped and named as
``wtforms.widgets.html_params`` does; the field's ``render_kw`` and validation flags
added as its widgets add them) for the widgets the forms use: text, hidden and file
inputs, text areas and selects without groups. Any other widget is rendered by WTForms.
"""
from flask import current_app
from flask_babel import format_number, gettext as _
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


def form_message(field, rows, required=True):
    """A message box: its limit stated under it and kept by the browser (maxlength)."""
    limit = current_app.config["MESSAGE_MAX_LENGTH"]
    hint = Markup(_("Up to %(max)s characters.")) % {"max": format_number(limit)}
    return form_field(field, hint=hint, rows=rows, required=required, maxlength=limit)


CHOSEN_FILES = Markup(
    '\n  <ul class="list-group mb-3 chosen-files" data-for="{id}" aria-live="polite" hidden\n'
    '      data-label-remove="{remove}" data-label-too-large="{too_large}"\n'
    '      data-label-bad-type="{bad_type}"\n'
    '      data-label-too-many="{too_many}"></ul>')


def form_attachments(field, limits):
    """The file chooser with the upload rules (``portal.forms.upload_limits``), and the
    list the page's script fills with the chosen files."""
    hint = Markup(_("Up to %(n)d files, at most %(mb)s MB each: %(kinds)s.")) % {
        "n": limits["max_files"], "mb": limits["max_mb"],
        "kinds": Markup(", ").join(limits["extensions"])}
    chooser = form_field(field, hint=hint, multiple=True, accept=limits["accept"],
                         **{"data-max-files": limits["max_files"],
                            "data-max-bytes": limits["max_bytes"]})
    return chooser + CHOSEN_FILES.format(
        id=field.id, remove=Markup(_("Remove")),
        too_large=Markup(_("too large, at most %(mb)s MB")) % {"mb": limits["max_mb"]},
        bad_type=Markup(_("this type of file is not accepted")),
        too_many=Markup(_("Only %(n)d files can be attached; remove some before sending."))
        % {"n": limits["max_files"]})
