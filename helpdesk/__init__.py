"""The helpdesk domain: models, the ticket lifecycle, mail, uploads and queries.

Nothing in this package reads the request, the session or ``current_user``:
views pass the acting user explicitly, so the CLI and cron jobs call the same
functions the web does.
"""

# The models first, whichever module is imported first: survey_models builds on them and
# models lists its tables in ALL_MODELS.
from . import models  # noqa: E402

__all__ = ["models"]
