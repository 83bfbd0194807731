"""The word file: the same words as jieba's dictionary with the domain one, built once, rebuilt
when a dictionary changes, never trusted when damaged."""
import sys

import jieba
import pytest

from bot.nlu import segmenter


def test_is_word_agrees_with_jieba_word_for_word():
    segmenter.add_words(["建设党员活动室"])
    segmenter.cut("建设党员活动室")                    # jieba itself, with the domain dictionary and added words
    jieba_words = {w for w, freq in jieba.dt.FREQ.items() if freq > 0}
    assert set(segmenter._words.keys()) | segmenter._added == jieba_words
    assert segmenter.is_word("活动室") and segmenter.is_word("三会一课") and segmenter.is_word("建设党员活动室")
    assert not segmenter.is_word("员活") and not segmenter.is_word("") and not segmenter.is_word("\ud800党")


def test_added_words_are_words_and_known_ones_are_not_added_again():
    segmenter.add_words(["  撰写支部调研报告 ", "支委会", "x", None])
    assert segmenter.is_word("撰写支部调研报告")
    assert "支委会" not in segmenter._added and "x" not in segmenter._added
    segmenter.add_words(["活动室\ud800"])                # a title no UTF-8 can hold is still a word
    assert segmenter.is_word("活动室\ud800")


@pytest.fixture
def own_files(tmp_path, monkeypatch):
    """A cache directory and a domain dictionary of the test's own."""
    domain = tmp_path / "domain_dict.txt"
    domain.write_text(segmenter.DOMAIN_DICT.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("CACHE_DIRECTORY", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    monkeypatch.setattr(segmenter, "DOMAIN_DICT", domain)
    return domain, tmp_path / "cache"


def test_the_word_file_is_built_once_and_read_after(own_files, monkeypatch):
    _, cache = own_files
    path = segmenter.cache_file()
    assert path.parent == cache and not path.exists()
    words = segmenter._load_or_build(path)
    assert path.exists() and "三会一课" in words
    monkeypatch.setattr(segmenter, "build_words", lambda: pytest.fail("built again"))
    assert set(segmenter._load_or_build(path).keys()) == set(words.keys())


def test_a_changed_domain_dictionary_makes_a_new_word_file(own_files):
    domain, _ = own_files
    before = segmenter.cache_file()
    with domain.open("a", encoding="utf-8") as f:
        f.write("党建引领网格治理 2000 n\n主题党日 0\n")
    after = segmenter.cache_file()
    assert after != before
    words = segmenter._load_or_build(after)
    assert "党建引领网格治理" in words and "主题党日" not in words      # frequency 0 deletes, as in jieba


def test_a_damaged_word_file_is_rebuilt(own_files):
    path = segmenter.cache_file()
    path.write_bytes(b"not a trie")
    assert "三会一课" in segmenter._load_or_build(path)
    assert "三会一课" in segmenter._load_or_build(path)              # and saved whole


def test_an_unwritable_cache_directory_still_gives_the_words(own_files, monkeypatch, caplog):
    _, cache = own_files
    monkeypatch.setenv("CACHE_DIRECTORY", str(cache / "missing"))
    assert "三会一课" in segmenter._load_or_build(segmenter.cache_file())
    assert "could not save the word file" in caplog.text


def test_understanding_loads_without_importing_jieba(tmp_path):
    """Even the first time: the word file is built by a child process (jieba's memory is not kept)."""
    import os
    import subprocess

    code = ("import sys; from bot import nlu; nlu.load(['建设党员活动室']); "
            "assert nlu.parse('活动室建好了', [{'id': 'P-1', 'title': '建设党员活动室'}]).intent == 'progress'; "
            "print('jieba' in sys.modules)")
    env = {**os.environ, "CACHE_DIRECTORY": str(tmp_path)}
    for _ in range(2):                                  # built, then read
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        assert out.stdout.strip() == "False"
        assert [p.name.startswith("qingdan-words-") for p in tmp_path.iterdir()] == [True]


def test_without_a_cache_directory_the_word_file_is_kept_in_a_folder_of_the_users_own(tmp_path, monkeypatch):
    import os
    import tempfile

    monkeypatch.delenv("CACHE_DIRECTORY", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = segmenter.cache_dir()
    assert folder == tmp_path / f"qingdan-{os.getuid()}" and folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)                               # anyone could have put a word file there
    assert segmenter.cache_dir().parent == tmp_path and segmenter.cache_dir() != folder
