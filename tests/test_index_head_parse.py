"""The index's read of a report's head (QA: a runs folder of 500 reports): each refresh
parses a report up to its metadata tag, not the whole 64 KB it reads of the page."""

import hplab
import reports
from reports import _report_info


def _fed(monkeypatch) -> list[int]:
    """The lengths of the text fed to the metadata parser, call by call."""
    fed = []
    feed = _report_info._MetaFinder.feed

    def counting(self, data):
        fed.append(len(data))
        return feed(self, data)

    monkeypatch.setattr(_report_info._MetaFinder, "feed", counting)
    return fed


def test_a_reports_head_is_parsed_up_to_its_metadata(tmp_path, monkeypatch):
    out = tmp_path / "runs" / "train" / "xor"
    assert hplab.main(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "3",
                       "--seed", "0", "--out", str(out)]) == 0
    page = out / "report.html"
    size = page.stat().st_size  # its figures stood in by the tests: 30 KB, not 0.5 MB
    assert size > 16 * 1024
    fed = _fed(monkeypatch)
    info = reports.read_report_info(page)
    assert info.kind == "train" and info.name == "xor" and info.status == "max_epochs"
    assert info.headline[1]["label"] == "Test loss" and "model.npz" in info.files
    assert len(fed) == 1 and fed[0] < 4096  # was min(size, 64 KB): CSS, the first tags

    # the words that name the metadata met earlier than its tag (a comment): the page
    # is parsed on past them and still found
    text = page.read_text()
    head_end = text.index("<head>") + len("<head>")
    page.write_text(text[:head_end] + '<!-- name="hplab-report" -->' + text[head_end:])
    fed.clear()
    again = reports.read_report_info(page)
    assert again is not None and again.headline == info.headline and len(fed) == 2
