"""Every strategy of an imbalance benchmark its own colour, line style and marker."""

from __future__ import annotations

import pytest
from conftest import figure_stand_in
from matplotlib.colors import to_hex

import hplab
from reports import _imbalance_ratios as ratios, design


@pytest.mark.slow
def test_every_strategy_of_a_full_benchmark_has_its_own_colour_in_the_curves(tmp_path,
                                                                            monkeypatch):
    # QA: the ROC / PR figure drew the 12 strategies besides none in PALETTE's 5 colours:
    # class_weight, random_under and smote_tomek were all vermilion, told apart only by a
    # line style and a marker every tenth of the diagonal
    figure_stand_in(monkeypatch, typeset=False)
    drawn, draw = [], ratios.draw_curves

    def recording(*args, **kwargs):  # the figure's artists, read before the report shuts it
        fig = draw(*args, **kwargs)
        for ax in fig.axes:
            legend = ax.get_legend()
            drawn.append((
                [(ln.get_label(), to_hex(ln.get_color()), ln.get_linestyle(), ln.get_marker())
                 for ln in ax.lines if not ln.get_label().startswith(("_", "chance"))],
                None if legend is None else [
                    (text.get_text(), to_hex(h.get_color()), h.get_linestyle(), h.get_marker())
                    for text, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
                    if not text.get_text().startswith("chance")]))
        return fig

    monkeypatch.setattr(ratios, "draw_curves", recording)
    assert hplab.main(["imbalance", "--dataset", "digits?imbalance=1:20", "--positive", "8",
                       "--seeds", "1", "--hidden", "4", "--epochs", "8", "--workers", "1",
                       "--out", str(tmp_path / "all")]) == 0
    (roc, _), (pr, legend) = drawn
    assert roc == pr == legend  # each strategy alike in both panels and in the legend
    names = [name for name, *_ in roc]
    assert len(names) >= 12 and names[0] == "none"  # a sampler that finds nothing is skipped
    colours = [colour for _, colour, _, _ in roc]
    assert len(set(colours)) == len(colours), roc  # every one its own colour
    assert colours[0] == design.INK.lower()  # the baseline in ink
    # and without colour, each its own line style and marker
    assert len({(ls, marker) for _, _, ls, marker in roc}) == len(roc)
    # every colour a line on white at 3:1 or more
    assert min(design.contrast_ratio(c, "white") for c in colours) >= 3.0
