"""A mirror's URL with a password (``--url https://user:password@host/``): hplab data
fetch prints it, on errors and in its --json, with the password masked."""

import base64
import contextlib
import functools
import hashlib
import http.server
import json
import socket
import threading

import numpy as np
import pytest
from test_data_idx import tiny_mnist, write_folder

import data
import hplab


def _closed_port() -> int:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("flags", [[], ["--json"], ["--no-verify"]])
def test_a_failed_fetch_does_not_print_the_password(tmp_path, capsys, flags):
    # the error line named http://user:s3cr3t-pw@127.0.0.1:PORT/x/SHA256SUMS, password
    # and all, in a terminal or a CI log
    url = f"http://user:s3cr3t-pw@127.0.0.1:{_closed_port()}/x"
    rc = hplab.main(["data", "fetch", "mnist", "--url", url, "--dest", str(tmp_path / "m"),
                     "--timeout", "2", *flags])
    out, err = capsys.readouterr()
    assert rc == 2 and err.count("\n") == 1 and "s3cr3t" not in out + err
    assert "cannot download http://user:***@127.0.0.1:" in err
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("url, said", [
    # a token as the user info: it is the secret
    ("http://t0ken-abc@127.0.0.1:{port}/", "cannot download http://***@127.0.0.1:"),
    # an unencoded '/' in the password: urllib read "s3c" as a port and quoted it
    ("http://user:s3c/r3t@127.0.0.1:{port}/",
     "url 'http://user:***@127.0.0.1:{port}/' has a port that is no number"),
    ("ftp://user:s3cr3t@127.0.0.1:{port}/", "got 'ftp://user:***@127.0.0.1:{port}/'"),
    ("file://user:s3cr3t@localhost/nowhere/", "cannot download file://user:***@localhost/"),
])
def test_every_form_of_a_password_is_masked(tmp_path, url, said):
    port = _closed_port()
    with pytest.raises(data.DataError) as caught:
        data.fetch_mnist(tmp_path / "m", url.format(port=port), timeout=2)
    message = str(caught.value)
    assert said.format(port=port) in message
    assert "s3c" not in message and "t0ken" not in message


class _Guarded(http.server.SimpleHTTPRequestHandler):
    """A mirror that serves only with HTTP Basic authentication of ``user`` and ``p@ss w``,
    noting each request's Authorization header."""

    seen: list = []

    def do_GET(self):
        given = self.headers.get("Authorization")
        _Guarded.seen.append(given)
        if given != "Basic " + base64.b64encode(b"user:p@ss w").decode():
            self.send_response(401, "Unauthorized")
            self.send_header("WWW-Authenticate", 'Basic realm="mirror"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _guarded(folder):
    handler = functools.partial(_Guarded, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_password_in_the_url_is_sent_as_basic_authentication_and_not_shown(tmp_path,
                                                                             capsys):
    # urllib sends no user info: http://user:pw@host/ was looked up as the host name
    # "user:pw@host" ("Name or service not known") and never reached the mirror
    folder = tmp_path / "mirror"
    write_folder(folder, tiny_mnist(np.random.default_rng(1)))
    sums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    (folder / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in sums.items()))
    dest = tmp_path / "m"
    _Guarded.seen = []
    with _guarded(folder) as port:
        url = f"http://user:p%40ss%20w@127.0.0.1:{port}/"
        rc = hplab.main(["data", "fetch", "mnist", "--url", url, "--dest", str(dest), "--json"])
        out, err = capsys.readouterr()
        assert (rc, err) == (0, "")
        said = json.loads(out)
        assert said["url"] == f"http://user:***@127.0.0.1:{port}/"
        assert {f["name"]: f["sha256"] for f in said["files"]} == sums
        assert len(_Guarded.seen) == 5 and len(set(_Guarded.seen)) == 1  # SUMS + 4 files
        assert data.load(f"idx:{dest}").sizes()["test"] == 20
        # a wrong password: the mirror's refusal, the password not shown
        rc = hplab.main(["data", "fetch", "mnist", "--url", url.replace("%20w", "%20x"),
                         "--dest", str(tmp_path / "n")])
        err = capsys.readouterr().err
        # (QA: it said "HTTP 401 Unauthorized" alone: now what to do too)
        assert rc == 2 and err == (f"hplab data fetch: error: cannot download http://user:***@"
                                   f"127.0.0.1:{port}/SHA256SUMS: HTTP 401 Unauthorized; "
                                   "check the user and password in --url\n")
        # none given: the mirror's refusal says to give them
        rc = hplab.main(["data", "fetch", "mnist", "--url", f"http://127.0.0.1:{port}/",
                         "--dest", str(tmp_path / "n")])
        err = capsys.readouterr().err
        assert rc == 2 and err == (f"hplab data fetch: error: cannot download http://127.0.0.1:"
                                   f"{port}/SHA256SUMS: HTTP 401 Unauthorized; the mirror asks "
                                   "for a user and password: give them in --url "
                                   "(https://user:password@host/)\n")
