"""What ``hplab data list``, ``data show`` and ``data fetch`` say: a dataset, the registry
and a download described as the lines a person reads and the ``--json`` summary a script
does (each summary's keys are a contract)."""

from __future__ import annotations

import shlex
import textwrap
from pathlib import Path

from ._download import sha256_file
from ._fetch import data_home
from ._mnist_source import MNIST_FILES, MNIST_URL
from ._path_escapes import _escape_path
from ._registry import COMMON_OPTIONS, DATASETS, list_datasets
from ._url_credentials import mask_userinfo


def describe_listing() -> tuple[list[dict], object, list[str]]:
    """The registry of `list_datasets` as ``hplab data list`` shows it.

    Returns
    -------
    records : list of dict
        One per name, a missing size None (the ``--json`` list).
    shown : pandas.DataFrame
        The table to print: a regression set's classes missing too.
    notes : list of str
        The lines after the table: the ``?key=value`` options the names take.
    """
    frame = list_datasets()
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    # the path forms have no fixed size: a dash in those columns; a regression set no
    # classes (its 0 stays in --json, as documented), a dash too: "classes 0" read as a count
    shown = frame.copy()
    shown.loc[shown["task"] == "regression", "classes"] = None
    return records, shown, _options_said()


def _options_said() -> list[str]:
    """The ``?key=value`` options every set takes, and a generated set's own (the path
    forms' are in their descriptions): no name's options were said anywhere but in an
    unknown one's error."""
    forms = {f"{k}={value}": what for k, (value, what) in COMMON_OPTIONS.items()}
    width = max(map(len, forms))
    own = "; ".join(f"{name} ({', '.join(e.options)})" for name, e in DATASETS.items()
                    if e.options)
    return ["", "Options after any name, NAME?key=value&key=value "
                "(e.g. 'digits?imbalance=1:50&positive=8'):",
            *(f"  {form:<{width}}  {what}" for form, what in forms.items()),
            *textwrap.wrap(f"A generated set's own options: {own}", 100, subsequent_indent="  ")]


def describe_dataset(ds) -> tuple[dict, list[str]]:
    """A loaded set as ``hplab data show`` says it: sizes, class shares, target, features
    and scaling.

    Parameters
    ----------
    ds : Dataset
        As `load` returns it.

    Returns
    -------
    summary : dict
        `Dataset.summary` with ``class_counts`` (None for regression) and ``feature_names``.
    lines : list of str
    """
    summary = ds.summary()
    subset = ds.info.get("train_size")
    lines = [f"{ds.name}: {ds.task}, {ds.n_features} feature{'s' * (ds.n_features != 1)}, "
             f"{ds.n_classes or 'no'} classes {list(ds.classes) if ds.classes else ''}".rstrip(),
             "sizes: " + ", ".join(f"{k} {v}" for k, v in ds.sizes().items())
             + (f" (train_size: {subset['kept']} of {subset['of']} training rows)"
                if subset else "")]
    # null for regression: the key is there in every case, as a missing value is elsewhere
    summary["class_counts"] = counts = ds.class_counts() or None
    if counts:  # the shares a course's table quotes (coin: 16 / 48 / 36 %)
        total = [sum(per_class) for per_class in zip(*counts.values(), strict=True)]
        lines.append("class counts (train, val, test): " + "; ".join(
            f"{c}: {', '.join(str(n[i]) for n in counts.values())} "
            f"({_share(total[i], sum(total))} %)" for i, c in enumerate(ds.classes)))
    # which columns a model of this set takes: an ID left in is a feature like any other
    summary["feature_names"] = list(ds.feature_names)
    if (target := _target_said(ds)) is not None:
        lines.append(target)
    lines.append(_features_said(ds))
    lines.append(f"scaling: {_scaling_said(ds.info)}")  # what --help promises with sizes
    return summary, lines


def _first_names(names, shown: int) -> str:
    """The first ``shown`` of ``names``, a name holding a comma quoted, then how many in
    all (as `nets.first_names` with ``quote_commas``, which data cannot import)."""
    names = [repr(n) if "," in n else n for n in map(str, names)]
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f", ... ({len(names)} in all)"


def _features_said(ds, shown: int = 12) -> str:
    """The feature names, the first ``shown`` of a wide set, and the CSV columns left out."""
    listed = _first_names(ds.feature_names, shown)
    ignored = ds.info.get("ignored") or []
    left_out = _first_names(ignored, len(ignored))
    return f"features: {listed}" + (f"; left out: {left_out}" if ignored else "")


def _target_said(ds) -> str | None:
    """A CSV's target column, and a regression target's scaling (y_shift and y_scale of
    --json, which the lines left unsaid); None for a classification set of no column."""
    column = ds.info.get("target")
    if ds.task != "regression":
        return None if column is None else f"target: {column}"
    said = "target: " + (f"{column}; " if column is not None else "")
    if (ds.y_shift, ds.y_scale) == (0.0, 1.0):
        return said + "not scaled"
    fitted = "train, validation and test merged" if ds.info.get("merge_scaling") else \
        "the training split"
    shift = f"+ {-ds.y_shift:g}" if ds.y_shift < 0 else f"- {ds.y_shift:g}"
    return said + f"minmax, fitted on {fitted}: (y {shift}) / {ds.y_scale:g}"


def _share(n: int, total: int) -> str:
    """``n`` of ``total`` in whole percent; a class of 1 in 200 is "<1", not "0" (nor one
    short of all "100")."""
    text = f"{100 * n / max(total, 1):.0f}"
    if text == "0" and n:
        return "<1"
    return ">99" if text == "100" and n < total else text


def _scaling_said(info: dict) -> str:
    """How a loaded set's inputs were scaled, as `load` does it."""
    mode, most = info.get("scaling"), info.get("pixel_max")
    fitted = "train, validation and test merged" if info.get("merge_scaling") else \
        "the training split"
    if mode == "none" or mode is None:
        return "none"
    if most is not None and mode == "minmax":  # one range for every pixel
        least = info.get("pixel_min") or 0.0
        shift = f"+ {-least:g}" if least < 0 else f"- {least:g}"  # not "(x - -3.1e+30)"
        return ("minmax, images as a whole: " + (f"(x {shift}) / {most - least:g}"
                                                  if least else f"x / {most:g}"))
    whole = "images as a whole (one shift and scale)" if most is not None else "per feature"
    return f"{mode}, {whole}, fitted on {fitted}"


def describe_fetch(dataset: str, dest: Path, url: str | None,
                   verified: bool) -> tuple[dict, list[str]]:
    """What ``hplab data fetch`` says of the files `fetch_mnist` saved.

    Parameters
    ----------
    dataset : str
        The name fetched (``mnist``).
    dest : Path
        The folder `fetch_mnist` returned.
    url : str or None
        The mirror given; None for the official one.
    verified : bool
        Whether the checksums were checked.

    Returns
    -------
    summary : dict
        dataset, dest, url, verified, and files (name, bytes and sha256 of each).
    lines : list of str
    """
    files = [{"name": n, "bytes": (dest / n).stat().st_size,
              "sha256": sha256_file(dest / n)} for n in MNIST_FILES]
    summary = {"dataset": dataset, "dest": str(dest), "url": mask_userinfo(url or MNIST_URL),
               "verified": verified, "files": files}
    lines = [f"{f['name']}  {f['bytes']} bytes  sha256 {f['sha256'][:16]}..." for f in files]
    return summary, [*lines, f"saved in {dest}; {_read_as(dest)}"]


def _read_as(dest: Path) -> str:
    """How to read MNIST where a fetch saved it: the name mnist reads the data folder's
    mnist/ only (`data_home`: --data-dir DIR reads DIR/mnist), idx:DEST any folder."""
    if dest.resolve() == (data_home() / "mnist").resolve():
        return "read it as mnist, e.g. hplab data show mnist"
    name = f"idx:{_escape_path(str(dest))}"
    return f"read it as {name}, e.g. hplab data show {shlex.quote(name)}"
