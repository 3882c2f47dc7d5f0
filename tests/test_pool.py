"""Which workers a stage uses: the model only where it is needed."""

from newslake.config import Settings
from newslake.pipeline import pool


def test_the_parse_workers_do_not_load_the_model_even_when_the_run_extracts():
    for extract in (True, False):
        args = pool.pool_args(Settings(extract=extract, n_process=2))
        assert args["model"] is None and args["processes"] == 2
