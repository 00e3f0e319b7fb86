"""The analyses' terminal lines: the scaling, lr-range and capacity summaries (imbalance's are
``_terminal_imbalance``'s)."""

from __future__ import annotations

from nets import count_of

from ._lr_range_failures import diverged_rates, lone_learner, range_at_edge, rates_text
from ._r2_words import r2_reading, r2_value
from ._terminal import _ending, two_figures


def _fmt(value, spec: str) -> str:
    """``value`` formatted with ``spec``, or '-' when there is none (NaN in the JSON)."""
    return "-" if value is None else format(value, spec)


def _held_out_warning(s: dict) -> list[str]:
    """The line saying a summary's test set is its training set (XOR), if it is: no score
    printed after it is held out."""
    if not s.get("test_is_train"):
        return []
    return [f"{s['dataset']}'s test set is its training set: no score here is held out"]


def scaling_lines(s: dict) -> list[str]:
    """Lines for `hplab scaling`: steps per batch size, the fit, the rules, the noise scale.

    Parameters
    ----------
    s : dict
        The study's summary (``ScalingResult.summary``, ``--json``'s object).
    """
    lines = [f"scaling on {s['dataset']} (n={s['n_train']}): {s['target_metric']} target "
             f"{s['target']:.4g} ({s['target_source']})",
             f"{'batch':>7} {'steps':>9} {'examples':>10} {'best lr':>9}  regime"]
    lines[1:1] = _held_out_warning(s)
    for b, ok, st, ex, lr, reg in zip(s["batch_sizes"], s["reached"], s["steps_to_target"],
                                      s["examples_to_target"], s["best_lr"], s["regimes"],
                                      strict=True):
        # an unreached batch has no steps, examples or best rate; its regime says why
        # a median of an even count of seeds may end in .5: shown (as the report's table
        # and its CSV do)
        lines.append(f"{b:>7} {st:>9.10g} {ex:>10.10g} {lr:>9.3g}  {reg}" if ok else
                     f"{b:>7} {'-':>9} {'-':>10} {'-':>9}  {reg}")
    lines.append(s["fit_message"])
    edge = [b for b, e in zip(s["batch_sizes"], s["at_grid_edge"], strict=True) if e]
    if edge:  # the exponent below then describes the grid as much as the data
        lines.append(f"the best rate sits at an edge of the grid for B = "
                     f"{', '.join(str(b) for b in edge)}: widen it "
                     "(--lr-range LOW,HIGH, or --lrs)")
    # here: `import reports` loads no analyses
    from analyses import NO_SLOPE_MEASURED, rule_verdict, slope_text, summary_slope_bound

    # a slope through a best rate at the grid's edge is a bound, or none (`--json` keeps it)
    edge = summary_slope_bound(s) if s["alpha"] is not None else ""
    said = slope_text(s["alpha"], s["alpha_se"], edge) if s["alpha"] is not None else None
    if said is not None:
        se = f" (± {s['alpha_se']:.2f})" if s["alpha_se"] is not None else ""
        # the exponent alone (its error after the words): slope_text's two decimals
        slope = (f"B^α, α {said} (a bound), over the small batches" if edge else
                 f"B^{slope_text(s['alpha'], None, '')} over the small batches{se}")
        lines.append(f"best lr ~ {slope}: " + (
            f"no rule verdict: {s['alpha_reason']}" if s["alpha_reason"] else
            rule_verdict(s["alpha_rule"])))
    elif edge:
        lines.append(f"best lr against B: {NO_SLOPE_MEASURED}, no rule verdict: "
                     f"{s['alpha_reason']}")
    elif s["alpha_reason"]:  # no slope that measures anything: only why
        lines.append(f"best lr against B: no slope fitted, no rule verdict: {s['alpha_reason']}")
    optimizer = (s.get("config") or {}).get("optimizer", "sgd")
    # the course's cap of 1 is plain SGD's: an Adam rate of 1 is another step size
    if s["lr_cap_batch"] is not None and optimizer == "sgd":
        b0, lr0, grid0 = next((b, lr, g) for b, ok, lr, g in zip(
            s["batch_sizes"], s["reached"], s["lr_opt"], s["best_lr"], strict=True) if ok)
        # a refined rate past 1 from a grid rate of 1 or less is no evidence of more
        over = (f"already above 1 at B = {b0} ({lr0:.3g})" if grid0 > 1 else
                f"already about 1 at B = {b0} ({lr0:.3g}, refined from the grid's {grid0:g})")
        # below the anchor the crossing is a batch size never run (0.418 on XOR): not quoted
        lines.append(f"the best rate is {over}, the smallest batch that reached the target"
                     if s["lr_cap_batch"] < b0 else
                     f"the linear rule passes lr = 1 at B ~ {s['lr_cap_batch']:.3g}")
    if s["b_simple"] is not None:
        where = ("over the last half of the way to the target"
                 if s.get("b_simple_step") is not None else
                 "over the last half of the reference run (it never reached the target)")
        # two figures and the spread: one noisy estimate does not carry three
        # "95 % interval", as the report and the slope's verdict on the line above say it
        width = f"{s['b_simple_interval']:.0%}".replace("%", " %")
        spread = (f"{width} interval {two_figures(s['b_simple_low'])}-"
                  f"{two_figures(s['b_simple_high'])}" if s["b_simple_low"] is not None else
                  "too few or too noisy measurements for an interval")
        # as B_crit's dataset_too_small: a batch cannot exceed the set to test it
        big = (f"; at or above the training-set size, {s['n_train']}: no batch can exceed the "
               "set to test it" if s["b_simple"] >= s["n_train"] else "")
        n = count_of(s["b_simple_measurements"], "measurement")
        lines.append(f"gradient noise scale {where}: B_simple ~ {two_figures(s['b_simple'])} "
                     f"({spread}; {n}){big}")
        if optimizer != "sgd":  # McCandlish et al.'s B_crit ≈ B_noise ≲ B_simple is SGD's
            from ._scaling_text import noise_caveat  # imports analyses: here, not on load

            lines.append("B_simple is plain SGD's noise scale (McCandlish et al.): "
                         f"{noise_caveat(optimizer)}")
    elif s.get("b_simple_measurements"):  # measured, yet no estimate: said, not left out
        lines.append(f"gradient noise scale: not estimated from "
                     f"{count_of(s['b_simple_measurements'], 'measurement')} (an average came "
                     "out at or below zero: too noisy)")
    return lines + _ending(s)


def lr_range_lines(s: dict) -> list[str]:
    """Lines for `hplab lr-range`: the suggestions, where it stopped, the verification.

    Parameters
    ----------
    s : dict
        The test's summary (``LRRangeResult.summary``, ``--json``'s object).
    """
    lines = [f"lr range test on {s['dataset']} (n={s['n_train']}): {s['mode']} "
             f"{s['min_lr']:g} -> {s['max_lr']:g} in {s['num_steps']} points, "
             f"{len(s['seeds'])} seed(s)" + (", validation loss" if s.get("val") else ""),
             f"{'suggestion':<10} {'lr':>10} {'IQR (log10)':>12} {'seeds':>8}"]
    lines[1:1] = _held_out_warning(s)
    by_ramp = s.get("ramp_set") or []  # older summaries lack it
    for name, v in s["suggestions"].items():
        lr = f"{v['lr']:.4g}" if v["lr"] is not None else "-"
        iqr = f"{v['iqr_log10']:.2f}" if v["iqr_log10"] is not None else "-"
        # the seeds that gave this suggestion: one that diverged early gives none
        gave = f"{v['n']} of {len(s['seeds'])}"
        # minimum is no minimum: the lowest loss's rate / 10 read below steepest's
        # a rate the ramp set is no headline: the arrow says so where it points
        notes = (["lowest loss's rate / 10"] if name == "minimum" else []) + (
            ["set by the ramp"] if name in by_ramp and name != s["suggestion"] else [])
        lines.append(f"{name:<10} {lr:>10} {iqr:>12} {gave:>8}"
                     + (("  <- set by the ramp, not the data" if name in by_ramp else "  <-")
                        if name == s["suggestion"] else "")
                     + (f"  ({'; '.join(notes)})" if notes else ""))
    from analyses import (
        at_ramp_start,
        no_stop_words,
        no_suggestion_reason,
        plain_sgd_valley,
        ramp_set_warning,
        seeds_that_stopped,
        shallow_descent,
        smooth_curve,
    )

    if s["suggested_lr"] is None:
        lines.append(f"no suggestion: {no_suggestion_reason(s)}")
    elif flat := shallow_descent(s):
        lines.append(f"weak suggestions: {flat}")
    if first := at_ramp_start(s):
        lines.append(f"weak suggestion: {first}")
    if low := plain_sgd_valley(s):
        lines.append(low)
    if by_ramp:
        lines.append(f"weak suggestions: {ramp_set_warning(s)}")
    elif smooth := smooth_curve(s):  # said above, and more, when the ramp set them
        lines.append(smooth)
    if s["stop_lr"] is not None:
        lines.append(f"stopped at lr {s['stop_lr']:.4g}; the final rise began at "
                     f"{s['divergence_lr']:.4g} ({seeds_that_stopped(s)})")
    else:  # more --steps only sample the same range
        lines.append(f"never diverged up to --max-lr {s['max_lr']:g}: {no_stop_words(s)}")
    v = s["verify"]
    diverged = "" if v is None else rates_text(diverged_rates(v, s["config"].get("verify_seeds")))
    diverged = f"; diverged: {diverged}" if diverged else ""  # at any grid rate
    if v is not None and v.get("inconclusive"):
        # the ratio is to the refined best rate, as in the conclusive line (0.28x of the
        # refined 0.1475 read as 0.28x of the grid's 0.1307)
        best = f"{v['best_lr']:.4g}, grid " if v.get("best_lr") is not None else "grid "
        lines.append(f"verify: inconclusive: {v['inconclusive_reason']} (best lr {best}"
                     f"{v['best_grid_lr']:.4g}; the suggestion {v['ratio']:.2g}x that)"
                     + diverged)
    elif v is not None and v["best_lr"] is not None:
        low, high = v.get("best_range_low"), v.get("best_range_high")  # older lack them
        where = f"{'within' if v['within_tolerance'] else 'outside'} {v['tolerance']:g}x"
        plateau, judged = "", f" ({where})"
        if low is not None and low < high:  # rates seed noise cannot tell from the best
            plateau = f"rates {low:.4g}-{high:.4g} score within noise of it; "
            judged = ", inside that range" if low <= v["suggested_lr"] <= high else \
                f", outside that range, {where} of the best"
        edge = range_at_edge(v)  # the plateau may go on past the grid (its best with it)
        lines.append(f"verify: best lr {v['best_lr']:.4g} (grid {v['best_grid_lr']:.4g}); "
                     f"{plateau}the suggestion is {v['ratio']:.2g}x that{judged}"
                     + (", at the grid's edge" if v["at_grid_edge"] else "")
                     + (f"; that range reaches the grid's {edge[0]} rate, {edge[1]:.4g}: the "
                        "best may lie beyond" if edge else "") + diverged)
        if lone_learner(v) is not None:  # as the report says it, with its seeds
            lines.append(f"verify: only the best grid rate, {v['best_grid_lr']:.4g}, beat the "
                         f"constant prediction; the nets learned nothing at the others in "
                         f"{count_of(s['config']['verify_epochs'], 'epoch', fmt='g')}: too few "
                         "runs to use it as it is; train longer (--verify-epochs) or add "
                         "--seeds first")
    elif v is not None:
        lines.append("verify: every grid run diverged")
    return lines + _ending(s)


def eps_warning(eps: float, baseline: float) -> str:
    """What an ``eps`` at or above the loss of predicting the training set's mean means."""
    return (f"eps = {eps:g} is at or above the {baseline:.3g} that always predicting the "
            "training set's mean scores on validation: a net reaches it without learning "
            "anything from the inputs, so iterations to eps say nothing of capacity here "
            "(set a lower --eps)")


def capacity_lines(s: dict) -> list[str]:
    """Lines for `hplab capacity`: the width x depth table and the best net.

    Parameters
    ----------
    s : dict
        The sweep's summary (``CapacityResult.summary``, ``--json``'s object).
    """
    m = s["metric"]
    # XOR: the test set is the training set itself, as the report's "Training-set" says
    test = "train-set" if s.get("test_is_train") else "test"
    wide = max(8, len(test))
    # the test score's standard deviation over seeds, named (the column said "+-")
    sd = f"sd({test})"
    # a regression's loss named as the report names it (the head's loss is half the MSE)
    named = "loss (half MSE)" if m == "loss" and s.get("task") == "regression" else m
    lines = [f"capacity on {s['dataset']}: widths {s['widths']} x depths {s['depths']} x "
             f"{len(s['seeds'])} seed(s), {named}",
             f"{'depth':>5} {'width':>6} {'train':>8} {'val':>8} {test:>{wide}} {sd:>{len(sd)}} "
             f"{'it->eps':>8} {'ep->eps':>8}"]
    lines[1:1] = _held_out_warning(s)
    if s.get("eps_above_baseline"):  # a constant prediction reaches eps: said first
        lines.insert(1, eps_warning(s["eps"], s["baseline_val_loss"]))
    for r in s["table"]:
        lines.append(f"{r['depth']:>5} {r['width']:>6} {_fmt(r[f'train_{m}'], '.4f'):>8} "
                     f"{_fmt(r[f'val_{m}'], '.4f'):>8} {_fmt(r[f'test_{m}'], '.4f'):>{wide}} "
                     f"{_fmt(r[f'test_{m}_std'], '.3f'):>{len(sd)}} "
                     f"{_fmt(r['iterations_to_eps'], '.0f'):>8} "
                     f"{_fmt(r['epochs_to_eps'], '.4g'):>8}"
                     + (f"  {r['diverged']} diverged" if r.get("diverged") else ""))
    from analyses import width_reach

    b = s["best"]

    def sufficient(depth) -> str:
        width = s["sufficient_width"].get(str(depth))
        if width is None:  # why, as the report says it
            scored = any(r[f"val_{m}"] is not None for r in s["table"] if r["depth"] == depth)
            if scored and m == "accuracy":
                return (f"none (no width beats always predicting the majority class, "
                        f"{s['majority_share']:.3g}, on validation by more than its spread "
                        "over seeds)")
            if scored and s.get("baseline_val_loss") is not None:
                from analyses import BASELINE_MARGIN

                return (f"none (no width beats a constant prediction of the training set's "
                        f"mean, {s['baseline_val_loss']:.3g}, on validation by "
                        f"{BASELINE_MARGIN:.0%} and by more than its spread over seeds)")
            return "none (every width has a diverged run)"

        reach = width_reach(s["widths"], width)  # as the report says it
        # as the report's card: wider nets that fit their training set worse still trained
        under = s.get("undertrained_wider", {}).get(str(depth))
        return (f"{width} (the widest tried: no plateau seen)" if reach == "widest" else
                f"{width} (the only width tried)" if reach == "only" else
                f"{width} (provisional: wider {', '.join(map(str, under))} undertrained)"
                if under else str(width))

    # a regression's RMSE in the target's units, as the report's card (older JSON lacks it)
    rmse = (f", {test} RMSE {b['test_rmse']:.4g} in the target's units"
            if b.get("test_rmse") is not None else "")
    # and its R², the score `hplab train` and `predict` give a regression (QA)
    r2 = (f", {test} R² {r2_value(b['test_r2'])}" if s.get("task") == "regression"
          and "test_r2" in b else "")
    lines.append(f"best: {b['depth']} x {b['width']} (val {_fmt(b['val'], '.4f')}, {test} "
                 f"{_fmt(b['test'], '.4f')}{rmse}{r2}); sufficient width per depth: " + ", ".join(
                     f"{d}: {sufficient(d)}" for d in s["depths"]))
    if r2 and (reading := r2_reading(b["test_r2"], "the best net")):  # as train's report
        lines.append(reading)
    if s.get("undertrained_wider"):  # QA: the report said so, the terminal never did
        lines.append(f"provisional: the wider widths named score worse and fit their training "
                     f"set worse than the best too, likely undertrained in "
                     f"{count_of(s['config']['max_epochs'], 'epoch', fmt='g')}: raise "
                     "--epochs, or lower --lr, before taking the width as sufficient")
    return lines + _ending(s)
