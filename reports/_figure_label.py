"""A figure's default text alternative (`figure_label`): its titles, and what its axes
and colours show, read off the figure's own labels."""

from __future__ import annotations

from matplotlib.axis import Axis
from matplotlib.figure import Figure

_LISTED = 5  # categories named on an unlabelled axis; past them, "and N more"


def figure_label(fig: Figure) -> str:
    """A short text alternative of ``fig``: what is drawn on it, not the caption.

    Its suptitle, else each panel's title, with what the axes show ("y against x", from
    the axis labels, the figure's supxlabel and supylabel for a panel without; an axis of
    names by its names; a panel titled by its quantity, "Loss" over "epoch", as "Loss
    against epoch") and a colour bar's label: ``"Chart: Confusion matrix (test set) — true
    class against predicted class, colour: share of the true class"``. Empty when the
    figure has none of these; a figure whose words tell only part of the story (panels
    titled by strategy) needs an ``alt=`` of its own.
    """
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    colours = [f"colour: {ax.get_ylabel() or ax.get_xlabel()}" for ax in fig.axes
               if ax.get_label() == "<colorbar>" and (ax.get_ylabel() or ax.get_xlabel())]
    sup = (fig.get_supxlabel(), fig.get_supylabel())
    if fig.get_suptitle():
        # panels titled by a value each (epoch 0, epoch 5...): their axes, said once
        shown = _grouped([_axes(ax, "", *sup) for ax in panels])
        parts = [_joined(fig.get_suptitle(), ", ".join(filter(None, [shown, *colours])))]
    else:
        parts = []
        for ax in panels:
            part = _joined(ax.get_title(), _axes(ax, ax.get_title(), *sup))
            if part and part not in parts:
                parts.append(part)
        if parts and colours:
            parts[-1] = ", ".join([parts[-1], *colours])
    if not parts:
        return ""
    text = ("Chart: " if len(parts) == 1 else "Charts: ") + "; ".join(parts)
    return text.replace(r"\$", "$")  # as `literal` escaped it for matplotlib


def _axes(ax, title: str, sup_x: str, sup_y: str) -> str:
    """What ``ax``'s axes show: "y against x"; a quantity for the names along its other
    axis ("trials for each of complete, pruned"); ``title`` against x where it names the
    quantity on an unlabelled numeric y axis; the names alone; or ""."""
    x, y = ax.get_xlabel() or sup_x, ax.get_ylabel() or sup_y
    if x and y:
        return f"{y} against {x}"
    names_x = [] if x else _names(ax.xaxis)
    names_y = [] if y else _names(ax.yaxis)
    if (x or y) and (names_x or names_y):
        return f"{x or y} for each of {_listed(names_y or names_x)}"
    if x and title:  # "Loss" over "epoch": the title is the y axis' quantity
        return f"{title} against {x}"
    return x or y or _listed(names_x or names_y)


def _names(axis: Axis) -> list[str]:
    """The tick labels of an axis of names (outcomes, parameters, workers), or []."""
    labels = [t.get_text() for t in axis.get_ticklabels()]
    labels = [t for t in labels if t]
    return labels if labels and not all(map(_is_number, labels)) else []


def _is_number(text: str) -> bool:
    if text.startswith("$"):  # mathtext: a log axis' 10^k
        return True
    try:
        float(text.replace("\N{MINUS SIGN}", "-").replace(",", ""))
    except ValueError:
        return False
    return True


def _listed(names: list[str]) -> str:
    more = len(names) - _LISTED
    return ", ".join(names[:_LISTED]) + (f" and {more} more" if more > 0 else "")


def _grouped(phrases: list[str]) -> str:
    """``"y against a"`` and ``"y against b"`` as ``"y against a, b"``, repeats once; a
    panel's lone label that another's phrase says (the x of a panel beside the one
    labelled on both axes) left out."""
    grouped: dict[str, list[str]] = {}
    for phrase in filter(None, phrases):
        y, said, x = phrase.partition(" against ")
        grouped.setdefault(y if said else phrase, [])
        if said and x not in grouped[y]:
            grouped[y].append(x)
    said = {word for y, xs in grouped.items() if xs for word in (y, *xs)}
    return "; ".join(f"{y} against {', '.join(xs)}" if xs else y for y, xs in grouped.items()
                     if xs or y not in said)


def _joined(title: str, axes: str) -> str:
    """A panel's title and what its axes show, unless the title says it already."""
    if not title or not axes:
        return title or axes
    if axes.startswith(title) or axes.lower() in title.lower():
        return axes
    return f"{title} — {axes}"
