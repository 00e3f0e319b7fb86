"""A mirror's URL with a password (``--url https://user:password@host/``): hplab data
fetch prints it, on errors and in its --json, with the password masked."""

import socket

import pytest

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
