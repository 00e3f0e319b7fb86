"""Passwords out of storage URLs and error messages: what hplab prints and writes into
reports names a server, never its password."""

from __future__ import annotations

import re
import urllib.parse


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (for printing and reports).

    Masks the password of the user info (at least what SQLAlchemy reads as one: up to the
    first ``@`` after ``user:``; and on to the last ``@`` before a query, so a password
    holding unencoded ``@``, ``/`` or ``?`` is hidden whole) and every query parameter that
    can carry one (``?password=...``, which libpq and SQLAlchemy accept too).

    Malformed URLs are masked too: extra slashes (``postgresql:///u:pw@h``), too few
    (``postgresql:/u:pw@h``, ``postgresql:u:pw@h``) and a ``journal:`` in front: a typo
    ends up in error messages, CI logs and reports as much as a well-formed URL does.

    Parameters
    ----------
    url : str
        A storage URL, or any storage text (a path, a libpq ``key=value`` string).
    """
    if "://" not in url:
        return _mask_bare(url)
    head, cred, at, host, question, pairs = _url_parts(url)
    if ":" in cred:
        cred = cred.split(":", 1)[0] + ":***"
    query = "&".join(f"{key}={'***' if _is_secret(key) else value}" if eq else key
                     for key, eq, value in pairs)
    return f"{head}{cred}{at}{host}{question}{query}"


MASK = "***"


def without_mask(url: str) -> str:
    """``url`` with a password that is `mask_url`'s ``***`` left out (user info and query).

    A command hplab printed (a report's "More trials", a hint) names its storage masked;
    pasted, the driver sent ``***`` as the password, and libpq reads ``PGPASSWORD`` or
    ``~/.pgpass`` only for a URL without one, so it failed even where they hold it.

    Parameters
    ----------
    url : str
        A server's URL (``scheme://...``).
    """
    head, cred, at, host, question, pairs = _url_parts(url)
    if cred.partition(":")[2] == MASK:
        cred = cred.partition(":")[0]
    kept = [key + eq + value for key, eq, value in pairs
            if not (_is_secret(key) and value == MASK)]
    return f"{head}{cred}{at}{host}{question if kept else ''}{'&'.join(kept)}"


# what may come before the user info of a URL missing its '//': an option's '--storage=',
# 'journal:', maybe a scheme, and slashes
_BARE_HEAD = re.compile(r"(?:[^=\s]*=)?(?:journal:)?")
_BARE_SCHEME = re.compile(r"[A-Za-z][\w+.-]*:/*")


# a password in libpq's key=value form (host=h password=pw, the form psql's docs teach):
# quoted ('p w\'x', to its closing quote, or on to the end) or up to a space; sslpassword
# too. A key starts the text or follows a space: a file runs/password=1.log is a name
_KEYWORD_PASSWORD = re.compile(r"(?i)(?<!\S)(\w*password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)")


def is_keyword_string(text: str) -> bool:
    """Whether ``text`` reads as libpq's ``key=value`` connection string (``host=h
    dbname=db``), which a storage is not.

    Parameters
    ----------
    text : str
        A ``--storage`` value.
    """
    return re.match(r"\s*[A-Za-z_]\w*\s*=", text) is not None


def _mask_bare(text: str) -> str:
    """``text`` without '://' (a path, a libpq key=value string, or a URL typed with too
    few slashes) with a ``password=`` value and a ``user:password@`` part masked as in a
    URL. Whether ``a:b:c@h`` has the scheme ``a`` or the password ``b:c`` is not told: the
    reading that hides more is kept."""
    text = _KEYWORD_PASSWORD.sub(r"\1***", text)
    if "@" not in text:
        return text
    head = _BARE_HEAD.match(text).group()
    readings = [head]
    scheme = _BARE_SCHEME.match(text, len(head))
    if scheme:
        readings.append(text[:scheme.end()])
    masked = [start + mask_url("x://" + text[len(start):])[len("x://"):]
              for start in readings]
    return min(masked, key=len)


# SQLAlchemy's user info: a user without ':' or '/' (it may hold '@': me@corp:pw@host),
# then a password up to an '@' (it may hold '?', '/' or '#'). A later '@' ends an unencoded
# '@' in the password unless a query (?key=) comes first: a password may hold anything,
# so only the query, whose values may hold '@' (?app=me@laptop), bounds it
_USER_PASSWORD = re.compile(r"[^:/?]*:[^@]*@")
_USER_ONLY = re.compile(r"[^:/?@]*@")
_QUERY_START = re.compile(r"\?[\w.-]+=")


def _url_parts(url: str) -> tuple:
    """``('scheme://', user info, '@', host and path, '?', [(key, '=', value)...])``; the
    head holds any slashes after '//' (``postgresql:///u:pw@h`` is a typo still read)."""
    scheme, _, rest = url.partition("://")
    body = rest.lstrip("/")
    head, rest = f"{scheme}://{rest[:len(rest) - len(body)]}", body
    cred = at = ""
    if scheme.lower() != "sqlite":  # a SQLite path may hold ':' and '@'; no user info
        m = _USER_PASSWORD.match(rest) or _USER_ONLY.match(rest)
        if m:
            end = m.end()
            while (":" in rest[:end] and (more := rest.find("@", end)) >= 0
                   and not _QUERY_START.search(rest, end, more)):
                end = more + 1
            cred, at, rest = rest[:end - 1], "@", rest[end:]
    rest, question, query = rest.partition("?")
    pairs = [part.partition("=") for part in query.split("&")] if query else []
    return head, cred, at, rest, question, pairs


def _is_secret(query_key: str) -> bool:
    key = query_key.lower()
    return "password" in key or key in ("pwd", "passwd", "secret", "token")


def _secrets(url: str) -> list[str]:
    """The password texts in ``url`` (user info and query), to scrub from error messages."""
    _, cred, _, _, _, pairs = _url_parts(url)
    found = [cred.split(":", 1)[1]] if ":" in cred else []
    found += [value for key, _, value in pairs if _is_secret(key)]
    # a driver's message may hold it decoded (p%40ss: p@ss), the longer form first
    found += [urllib.parse.unquote(s) for s in found]
    return sorted({s for s in found if s}, key=len, reverse=True)
