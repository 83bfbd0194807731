"""Which strings are words: jieba's dictionary, the party-building dictionary and the item titles.

Understanding a reply does not segment it (regular expressions and substring tests are faster
and read status words better); it only asks ``is_word``, to tell which parts of an item title are
real words, so that "活动室" counts as a word of "建设党员活动室" and "员活" does not.

How ``is_word`` is answered without loading jieba
-------------------------------------------------
jieba keeps its dictionary as a *prefix dictionary* (``FREQ``: every word and every prefix of one,
half a million keys, the prefixes with frequency 0). Unmarshalling jieba's cache of it takes about
a second and 60 MiB, and importing jieba another 0.3 s. A word is a key whose frequency is positive;
that set is all ``is_word`` needs, so it is kept in a form made for it:

1. **Built once from jieba.** A jieba ``Tokenizer`` of our own is initialized and given the domain
   dictionary (``domain_dict.txt``) with jieba's ``load_userdict``, as a segmenter would be; the keys
   of its ``FREQ`` with a positive frequency are the words. jieba stays the source of the dictionary,
   and its rules apply as they are (a user word with frequency 0 deletes a word).
2. **Kept as a MARISA trie** (the ``marisa-trie`` library: a static, compressed set of strings),
   about 1.2 MB, in a file in the cache directory (``$CACHE_DIRECTORY`` when systemd's
   ``CacheDirectory=`` gives one, otherwise a folder of the user's own in the temp directory,
   where jieba keeps its own cache).
   The file's name holds a hash of jieba's ``dict.txt`` (path, size, modification time), of the
   domain dictionary's text and of ``FORMAT``: a changed dictionary makes a new name, so a stale
   file is never read. The file is written under a temporary name and renamed into place, so
   processes starting together never read half of one.
3. **Loaded at every later start** in milliseconds, into about 3 MiB; jieba is not imported.
4. **Added words** (item titles, two characters or more, not already words) go into a set of
   their own; a word is a word when it is in the trie or in that set.

``cut`` (inspection and tests, not parsing) loads jieba itself on first use, with the domain
dictionary and the added words, as before.
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import marisa_trie

DOMAIN_DICT = Path(__file__).with_name("domain_dict.txt")
# Part of the cache file's name: change it when what is stored changes meaning.
FORMAT = "words-v1"

# The frequency an added word gets in jieba (``cut`` only; ``is_word`` needs none).
ADDED_WORD_FREQ = 10

log = logging.getLogger(__name__)

_lock = threading.Lock()
_words: marisa_trie.Trie | None = None      # jieba's words and the domain dictionary's
_added: set[str] = set()                    # words added at run time, not already in _words
_jieba_ready = False                        # jieba itself initialized, for ``cut``


def load(extra_words: Iterable[str] = ()) -> float:
    """Load the dictionary (once), then add ``extra_words``; returns the seconds taken."""
    started = time.perf_counter()
    _dictionary()
    add_words(extra_words)
    return time.perf_counter() - started


def is_loaded() -> bool:
    return _words is not None


def add_words(words: Iterable[str]) -> None:
    """Add words (two characters or more) to the dictionary."""
    dictionary = _dictionary()
    new = []
    for word in words:
        word = (word or "").strip()
        if len(word) >= 2 and word not in _added and not _in(dictionary, word):
            _added.add(word)
            new.append(word)
    if new and _jieba_ready:
        import jieba

        for word in new:
            jieba.add_word(word, freq=ADDED_WORD_FREQ)


def is_word(word: str) -> bool:
    """Whether ``word`` is in the dictionary (jieba's, the domain one, or added)."""
    try:
        if word in (_words if _words is not None else _dictionary()):
            return True
    except UnicodeEncodeError:      # a lone surrogate: in no dictionary word, perhaps in a title
        pass
    return word in _added


def cut(text: str) -> list[str]:
    """The words of ``text`` by jieba (for inspection and tests; parsing does not need it)."""
    global _jieba_ready
    import jieba

    with _lock:
        if not _jieba_ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            jieba.load_userdict(str(DOMAIN_DICT))
            for word in sorted(_added):
                jieba.add_word(word, freq=ADDED_WORD_FREQ)
            _jieba_ready = True
    return jieba.lcut(text)


# ---- the word file ---------------------------------------------------------------------------

def _in(dictionary: marisa_trie.Trie, word: str) -> bool:
    try:
        return word in dictionary
    except UnicodeEncodeError:      # a lone surrogate: no dictionary word has one
        return False


def _dictionary() -> marisa_trie.Trie:
    global _words
    if _words is None:
        with _lock:
            if _words is None:
                _words = _load_or_build(cache_file())
    return _words


def jieba_dict_file() -> Path:
    """jieba's main dictionary, found without importing jieba (importing it takes 0.3 s)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed")
    return Path(spec.origin).with_name("dict.txt")


def cache_dir() -> Path:
    """``$CACHE_DIRECTORY`` (systemd's ``CacheDirectory=``), else a folder of this user's own in the
    temp directory (where jieba keeps its cache): a word file decides what replies mean, so one
    that another user could have put there is never read."""
    given = os.environ.get("CACHE_DIRECTORY", "").split(":")[0]
    if given:
        return Path(given)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"qingdan-{uid}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
        if stat.S_ISDIR(st.st_mode) and st.st_uid == uid and not st.st_mode & 0o022:
            return folder
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="qingdan-"))      # not ours: a private one, built each start


def cache_file() -> Path:
    """The word file for the dictionaries as they are now (see the module docstring, step 2)."""
    main = jieba_dict_file()
    info = main.stat()
    key = hashlib.blake2b(digest_size=10)
    key.update(f"{FORMAT}\0{main.resolve()}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    key.update(DOMAIN_DICT.read_bytes())
    return cache_dir() / f"qingdan-{FORMAT}-{key.hexdigest()}.marisa"


def _load_or_build(path: Path) -> marisa_trie.Trie:
    """The word file at ``path``; built first, by a process of its own, when missing or damaged."""
    trie = _read(path)
    if trie is not None:
        return trie
    started = time.perf_counter()
    # A child process builds it, so that jieba's prefix dictionary (~60 MiB, which Python's
    # allocator would keep after it is freed) never lives in the serving process. It runs this
    # file as a script (it imports nothing of qingdan); -P keeps this folder off its sys.path.
    child = subprocess.run([sys.executable, "-P", __file__, str(path), str(DOMAIN_DICT)],
                           capture_output=True, text=True, check=False)
    trie = _read(path) if child.returncode == 0 else None
    if trie is None:        # e.g. an unwritable cache directory: the words are built here instead
        log.warning("could not save the word file %s (%s); it is built again at every start",
                    path, (child.stderr.strip().splitlines() or ["?"])[-1])
        return marisa_trie.Trie(build_words())
    log.info("word file built from jieba's dictionary in %.2fs: %s", time.perf_counter() - started, path)
    return trie


def _read(path: Path) -> marisa_trie.Trie | None:
    try:
        return marisa_trie.Trie().load(str(path))
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged file is built again, never trusted
        log.warning("word file %s unreadable (%s); building it again", path, exc)
        return None


def save_word_file(path: str | Path, domain_dict: str | Path = DOMAIN_DICT) -> None:
    """Build the word file and put it at ``path`` whole (written aside, then renamed)."""
    path = Path(path)
    trie = marisa_trie.Trie(build_words(domain_dict))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        trie.save(str(tmp))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def build_words(domain_dict: str | Path | None = None) -> list[str]:
    """Every word of jieba's dictionary with the domain dictionary loaded: a positive frequency."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()           # our own: jieba's global one stays as it is
    tokenizer.initialize()
    tokenizer.load_userdict(str(domain_dict or DOMAIN_DICT))
    return [word for word, freq in tokenizer.FREQ.items() if freq > 0]


if __name__ == "__main__":          # python -P segmenter.py WORD_FILE DOMAIN_DICT (see _load_or_build)
    save_word_file(*sys.argv[1:])
