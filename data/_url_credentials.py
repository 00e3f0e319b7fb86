"""A mirror's URL with credentials (``https://user:password@host/``): sent as HTTP Basic
authentication, and what hplab prints of it shows no password.

data/ imports no other hplab package, so study's ``mask_url`` (made for storage URLs:
SQLAlchemy's loose forms, libpq's ``key=value`` strings, ``journal:`` files) cannot serve
here; a mirror's URL is an http(s) or file URL that ``urllib.parse`` reads whole, so its
user info is all there is to hide.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
import urllib.request

from ._dataset import DataError

# user:pass/word@host: a password holding an unencoded '/', '?' or '#' ends the host part
# early (urlsplit then reads "pass" as a port); hide on to the last '@' before a query
_LOOSE = re.compile(r"([A-Za-z][\w+.-]*://)([^/?#@:]*):[^?#]*@")


def mask_userinfo(url: str) -> str:
    """``url`` with the password of its user info replaced by ``***``.

    A user info without a password (``https://TOKEN@host/``, the form tokens take) is
    replaced whole: it is the secret.

    Parameters
    ----------
    url : str
        An http, https or file URL, maybe malformed.

    Returns
    -------
    str
    """
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        try:
            _ = parts.port
        except ValueError:  # what reads as a port may be the start of a password
            return _LOOSE.sub(r"\1\2:***@", url, count=1)
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, _ = userinfo.partition(":")
    shown = f"{user}:***" if colon else "***"
    return url.replace(parts.netloc, f"{shown}@{host}", 1)


def check_mirror_url(url: str) -> None:
    """Refuse, in one line showing no password, what is no http, https or file URL.

    Raises
    ------
    DataError
        Another scheme, or a port that is no number (``user:pa/ss@host``: an unencoded
        ``/`` in a password ends the host early, and urllib's own error quoted the
        password's start as the port).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https", "file"):
        raise DataError("url must be an http://, https:// or file:// address, got "
                        f"{mask_userinfo(url)!r}")
    try:
        _ = parts.port
    except ValueError:
        raise DataError(f"url {mask_userinfo(url)!r} has a port that is no number (a "
                        "password's '/', '?', '#' or '@' is written %2F, %3F, %23, %40)"
                        ) from None


def url_request(url: str) -> urllib.request.Request | str:
    """What ``urlopen`` is given for ``url``: an http(s) URL's user info as HTTP Basic
    authentication, the URL without it (urllib sends none of it, and read
    ``user:pw@host`` as a host name: "Name or service not known"); any other URL as it is.

    The header is not sent on to where the server redirects (``add_unredirected_header``,
    as urllib's own authentication does): another host does not get the password.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or "@" not in parts.netloc:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    pair = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}"
    request = urllib.request.Request(urllib.parse.urlunsplit(parts._replace(netloc=host)))
    request.add_unredirected_header(
        "Authorization", "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii"))
    return request


def http_refusal(url: str, exc) -> DataError:
    """A mirror's refusal (``exc``, an ``urllib.error.HTTPError``) of ``url`` in one line
    showing no password; a 401's with what to do (QA: "HTTP 401 Unauthorized" alone, of a
    URL whose password was wrong or missing).

    Parameters
    ----------
    url : str
        The URL refused.
    exc : urllib.error.HTTPError
        Its refusal.

    Returns
    -------
    DataError
    """
    said = f"cannot download {mask_userinfo(url)}: HTTP {exc.code} {exc.reason}"
    if exc.code == 401:
        has = "@" in urllib.parse.urlsplit(url).netloc
        said += ("; check the user and password in --url" if has else
                 "; the mirror asks for a user and password: give them in --url "
                 "(https://user:password@host/)")
    return DataError(said)
