"""Fixtures the spam tests share."""
from __future__ import annotations

import pytest

from chalicelib.spam import classifier, keys


@pytest.fixture
def judged_by():
    """Score with a made-up classifier (None: none) and no community list; the shipped ones come back after."""
    def use(model):
        classifier.use_model(model)
        keys.use_default_matcher(keys.KeyMatcher(()))
    yield use
    classifier.reset_shipped_model()
    keys.use_default_matcher(None)
