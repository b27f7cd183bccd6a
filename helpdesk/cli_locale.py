"""The language the ``flask`` commands speak: CLI_LOCALE (``FLASK_CLI_LOCALE=en`` for
English), else the helpdesk's default language, Indonesian. Every command registered by
``helpdesk.cli.init_app`` runs inside it, whatever it prints or raises; their help
(``help=_l(...)``, options made with ``option``) is shown in it too (``flask`` loads the
app first, and ``portal.locale.select_locale`` answers CLI_LOCALE outside a request)."""
import functools

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale


def cli_locale(app):
    return app.config["CLI_LOCALE"] or app.config["BABEL_DEFAULT_LOCALE"]


class HelpOption(click.Option):
    """An option whose help is put into words when shown: click's own turns it into text
    when the option is made, before any language is known."""

    def __init__(self, *args, help=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_help = help

    def get_help_record(self, ctx):
        self.help = None if self.lazy_help is None else str(self.lazy_help)
        return super().get_help_record(ctx)


option = functools.partial(click.option, cls=HelpOption)


def speaking(command):
    """``command`` (a group: each of its commands) run in the CLI's language."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            speaking(sub)
    elif command.callback is not None and not getattr(command.callback, "speaking", False):
        command.callback = _in_cli_language(command.callback)
    return command


def _in_cli_language(callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        with force_locale(cli_locale(current_app)):
            return callback(*args, **kwargs)
    run = with_appcontext(run)
    run.speaking = True  # once, however many apps register the command
    return run
