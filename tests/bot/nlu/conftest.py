import pytest

from bot import nlu


@pytest.fixture(scope="package", autouse=True)
def loaded():
    nlu.load()
