"""The satisfaction survey (SKM): its tables, with the official questions, scales and
grade bands."""
from ..survey_models import SURVEY_MODELS
from ..survey_seed import seed_survey


def up(migrator, database):
    database.create_tables(SURVEY_MODELS)
    seed_survey()
