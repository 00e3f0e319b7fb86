"""`report compare` over many runs (QA: a user after months of runs compared 80 at once):
the figure's legend lists every run and the panels above it keep their height."""

import shutil

import hplab
import reports
from reports import design
from reports._compare_draw import draw_compared_curves


def test_eighty_runs_legend_fits_and_panels_keep_their_height(tmp_path):
    # two real coin runs, each folder copied as a user's runs folder holds them (the
    # same settings trained again on other days): 80 runs to set side by side
    seeds = []
    for lr in (0.05, 0.3):
        out = tmp_path / "seed" / f"coin-lr{lr}"
        assert hplab.main(["train", "--dataset", "coin", "--hidden", "4", "--epochs", "3",
                           "--lr", str(lr), "--out", str(out), "--no-report"]) == 0
        seeds.append(out)
    folders = []
    for k in range(80):
        folder = tmp_path / "runs" / f"day{k:02d}" / seeds[k % 2].name
        shutil.copytree(seeds[k % 2], folder)
        folders.append(folder)
    comparison = reports.compare_runs(folders)
    assert len(comparison.runs) == 80
    with design.style():
        fig = draw_compared_curves(comparison.curves, best=comparison.best)
        fig.canvas.draw()  # the constrained layout placed
    legend = fig.legends[-1]
    assert len(legend.get_texts()) == 80
    box = legend.get_window_extent()
    # every row of the legend inside the figure...
    assert box.y0 >= 0 and box.y1 <= fig.bbox.height + 1
    # ...and each panel still drawn above it (they collapsed to nothing under it before)
    assert fig.get_figheight() > 3.8
    for ax in fig.axes:
        assert ax.get_window_extent().height / fig.dpi > 1.5
        assert ax.get_window_extent().y0 >= box.y1
