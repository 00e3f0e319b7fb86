"""Suggestions as pure functions of a curve: known answers, fastai's valley, cleaning."""

import math

import numpy as np
import pytest

import analyses
import nets
from analyses import SUGGESTIONS, suggest, trim_curve
from analyses._suggest import minimum, slide, steepest, valley

LRS = np.geomspace(1e-5, 10, 61)  # 10 points per decade


def shaped_curve():
    """Flat, a fall centred on lr = 1e-2 (steepest there), a floor, then a blow-up."""
    x = np.log10(LRS)
    fall = 1 / (1 + np.exp(-(x + 2) * 4))  # 0 -> 1 around log10(lr) = -2
    loss = 2.0 - 1.5 * fall
    loss[x > 0] += 3 * x[x > 0] ** 2
    return loss


def fastai_valley(lrs, losses):
    """fastai's valley, as written there: the reference the vectorized one must match."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return float(lrs[idx])


def fastai_slide(lrs, losses, lr_diff=15, thresh=0.005, adjust_value=1.0):
    """fastai's slide (fastai/callback/schedule.py, fastai 2.7), as written there but for its
    tensors (``to_np``) and second return value (the point to plot): the reference."""
    losses = np.asarray(losses)
    loss_grad = np.gradient(losses)
    r_idx = -1
    l_idx = r_idx - lr_diff
    local_min_lr = lrs[l_idx]
    while (l_idx >= -len(losses)) and (abs(loss_grad[r_idx] - loss_grad[l_idx]) > thresh):
        local_min_lr = lrs[l_idx]
        r_idx -= 1
        l_idx -= 1
    return float(local_min_lr) * adjust_value


def test_known_answers_on_a_shaped_curve():
    loss = shaped_curve()
    assert steepest(LRS, loss) == pytest.approx(1e-2, rel=0.3)
    floor = LRS[np.argmin(loss)]
    assert minimum(LRS, loss) == pytest.approx(floor / 10)
    v = valley(LRS, loss)
    assert 1e-3 < v < floor  # inside the fall, before the floor
    # slide measures the loss's slope per point against an absolute 0.005: it walks back
    # over the blow-up, the floor and the fall, to where the flat start's slope is within
    # 0.005 of the fall's tail, 1.5 decades (15 points) to its right. fastai gives 10^-4.6.
    assert slide(LRS, loss) == fastai_slide(LRS, loss) == pytest.approx(10 ** -4.6)
    assert slide(LRS, loss, lr_diff=10, thresh=0.02, adjust_value=0.5) == \
        fastai_slide(LRS, loss, lr_diff=10, thresh=0.02, adjust_value=0.5) == \
        pytest.approx(0.5 * 10 ** -1.0)


def test_steepest_is_the_rate_at_the_start_of_the_steepest_segment():
    # slopes per decade: -0.01, -0.09, -0.4, -0.05, -0.01; the steepest runs from 0.1 to 1
    # (fastai's steep: lrs[argmin(grads)], the segment's left end)
    lrs = [1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0]
    assert steepest(np.array(lrs), np.array([1, 0.99, 0.9, 0.5, 0.45, 0.44])) == 0.1


def test_steepest_takes_its_slope_over_half_a_decade_not_one_noisy_step():
    # 40 points a decade: a flat start whose loss steps +-0.01 point to point (0.35 per
    # unit of log lr, read between neighbours), then a fall of 0.1 a decade (0.043) from
    # 1e-2 to 1. Over half a decade the steps cancel but for one: at most 0.04 a decade
    lrs = np.geomspace(1e-6, 1, 241)
    x = np.log10(lrs)
    loss = np.where(x < -2, 1 + 0.01 * (-1.0) ** np.arange(241), 1 - 0.1 * (x + 2))
    assert 10 ** -2.5 <= steepest(lrs, loss) <= 1
    # a curve spanning less than half a decade is read point to point: the steepest
    # segment's left end
    short = np.geomspace(0.1, 0.2, 6)
    assert steepest(short, np.array([1, 0.99, 0.98, 0.9, 0.89, 0.88])) == short[2]


def test_suggestions_drop_the_last_5_points_by_default():
    lrs = 10.0 ** np.arange(-10.0, 0.0)
    loss = np.arange(10.0, 0.0, -1.0)  # falling to the end: the lowest are the last points
    # the lowest of the first 5, at 1e-6, over 10: the last 5 (a range test's blow-up) never count
    # (skip_start 0: by default the first of the 10 goes too, as lr_range_test drops it)
    assert suggest(lrs, loss, "minimum", skip_start=0) == {"minimum": pytest.approx(1e-7)}
    assert suggest(lrs, loss, "minimum", skip_start=0, skip_end=3) == \
        {"minimum": pytest.approx(1e-5)}
    assert trim_curve(lrs, loss)[0].tolist() == lrs[:5].tolist()


@pytest.mark.parametrize("seed", range(5))
def test_valley_matches_fastai_on_noisy_curves(seed):
    rng = np.random.default_rng(seed)
    loss = shaped_curve() + rng.normal(0, 0.05, len(LRS))
    assert valley(LRS, loss) == fastai_valley(LRS, loss)
    assert slide(LRS, loss) == fastai_slide(LRS, loss)


def test_trim_drops_ends_then_everything_from_the_first_nan():
    lrs = np.arange(20.0)
    loss = np.arange(20.0)[::-1].copy()
    loss[12] = np.nan
    x, y = trim_curve(lrs, loss, skip_start=2, skip_end=5)
    assert x.tolist() == list(range(2, 12)) and np.isfinite(y).all()
    loss[3] = np.inf
    x, _ = trim_curve(lrs, loss, skip_start=2, skip_end=5)
    assert x.tolist() == [2.0]
    # a curve no longer than skip_end keeps nothing, not its first point
    for n in (3, 5):
        x, y = trim_curve(lrs[:n], np.arange(n, 0.0, -1))
        assert x.tolist() == [] and y.tolist() == []
    assert trim_curve(lrs[:6], np.arange(6, 0.0, -1))[0].tolist() == [0.0]


def test_too_short_curves_give_nan_not_errors():
    out = suggest([1e-3, 1e-2, 1e-1], [1.0, 0.5, np.nan], skip_end=0)
    assert set(out) == set(SUGGESTIONS) and all(math.isnan(v) for v in out.values())


def test_unknown_suggestion_lists_the_valid_names():
    # the close one named, as every registry of nets names it
    with pytest.raises(ValueError, match=r"^unknown suggestion 'steep' \(did you mean "
                                         r"'steepest'\?\); valid: valley, steepest, minimum, "
                                         r"slide$"):
        suggest(LRS, shaped_curve(), "steep")


@pytest.mark.parametrize("check, call, message", [
    ("mode", lambda: analyses.lr_range_test("xor", mode="expo", num_steps=5),
     "unknown mode 'expo' (did you mean 'exp'?); valid: "),
    ("backend", lambda: analyses.scaling_study("xor", backend="jobib"),
     "unknown backend 'jobib' (did you mean 'joblib'?); valid: "),
    ("tune_for", lambda: analyses.best_threshold([0, 1], [0.2, 0.8], tune_for="F1"),
     "unknown tune_for 'F1' (did you mean 'f1'?); valid: "),
])
def test_the_analyses_unknown_names_say_the_close_one(check, call, message):
    # one shape with nets' registries: "unknown KIND 'x' (did you mean 'y'?); valid: ..."
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).startswith(message)


def test_a_looper_left_too_few_points_by_its_cut_is_told_to_lower_max_lr():
    # review: a completed looper is now cut where its loss rose past 1.5x its best; left
    # too few points, it was told fastai's trim of "the end of the ramp" and to raise
    # --steps alone, where the rates above the rise are what to drop
    from analyses._lr_advice import no_suggestion_reason

    runs = [{"stop_reason": "completed", "steps": 12, "stop_lr": None, "seed": 0}]
    summary = {"runs": runs, "num_steps": 12, "min_lr": 0.01, "max_lr": 100.0}
    assert no_suggestion_reason({**summary, "mode": "looper"}) == (
        "12 points leave too few once the start is trimmed and the end cut from the rate "
        "where the loss rose well past its best; lower --max-lr so that more of the rates "
        "lie below that one, or raise --steps")
    assert no_suggestion_reason({**summary, "mode": "exp"}) == (
        "12 points leave too few once fastai's rule trims the start and the end of the "
        "ramp; raise --steps")


def test_suggest_reads_a_curve_as_lr_range_test_does_by_default():
    # QA: suggest(f.lr, f.smoothed_loss) on a digits curve gave valley 0.242, where
    # lr_range_test (and hplab lr-range) said 0.2915 of the same curve: it kept the first
    # tenth of the ramp, which lr_range_test drops
    cfg = nets.TrainConfig(hidden=(8,), activation="sigmoid", optimizer="sgd", batch_size=32)
    result = analyses.lr_range_test("digits", cfg, seeds=1, seed=0)
    assert result.runs["stop_reason"][0] == "completed"
    curve = result.curves
    found = suggest(curve["lr"], curve["smoothed_loss"])
    assert found == result.runs[list(SUGGESTIONS)].iloc[0].to_dict()
    assert found["valley"] == pytest.approx(0.2915, rel=1e-3)
    # every point kept, as before: another valley
    assert suggest(curve["lr"], curve["smoothed_loss"], "valley",
                   skip_start=0)["valley"] == pytest.approx(0.242, rel=1e-3)
    # a ramp that stopped early recorded fewer points than it planned: its num_steps says
    stopped = analyses.lr_range_test("coin", num_steps=60, max_lr=1e4, seeds=1)
    assert stopped.runs["stop_reason"][0] == "diverged"
    assert len(stopped.curves) < 60
    assert suggest(stopped.curves["lr"], stopped.curves["smoothed_loss"], num_steps=60) == \
        stopped.runs[list(SUGGESTIONS)].iloc[0].to_dict()
