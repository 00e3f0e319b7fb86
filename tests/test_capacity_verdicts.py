"""The capacity report's verdicts on real sweeps: wider widths that score worse than the
best, and the train / validation gap."""

import dataclasses

import reports
from analyses import CAPACITY_CONFIG, capacity_sweep
from reports._capacity_verdicts import capacity_verdicts as _verdicts


def test_a_sufficient_width_below_the_best_says_why_wider_ones_score_worse(tmp_path,
                                                                           parse_html):
    # QA: `capacity --dataset coin --widths 4,5,6,8,16,32 --seeds 1 --seed 4 --epochs 400`:
    # 5 neurons sufficient, 6 the best (0.93), 16 and 32 at 0.87 and 0.83 fitting their
    # training set worse than 6 does; the report said "5 neurons already come within 0.01
    # of the best ...; wider only costs", as if the wider ones were a plateau
    res = capacity_sweep("coin", widths=(4, 5, 6, 16), seeds=1, seed=4,
                         config=CAPACITY_CONFIG.replace(max_epochs=400), workers=2)
    t = res.table.set_index("width")
    assert t["val_accuracy"].round(3).tolist() == [0.91, 0.92, 0.93, 0.87]
    assert t.loc[16, "train_accuracy"] < t.loc[6, "train_accuracy"]
    assert res.sufficient_widths() == {1: 5} and res.worse_wider_widths() == {1: [16]}
    page = reports.capacity_report(res, tmp_path / "r",
                                   command="hplab capacity --dataset coin --epochs 400")
    text = " ".join(parse_html(page.read_text()).all_text.split())
    assert ("1 hidden layer(s): 5 neurons already come within 0.01 of the best validation "
            "accuracy of that depth and above the 0.46 that always predicting the majority "
            "class scores; wider, 16 neurons score 0.06 below the best (6 neurons) (mean "
            "validation accuracy; clearly worse: more than the 0.01 within which widths count "
            "as close) and fit their training set worse too: more neurons should not, so they are "
            "likely undertrained in 400 epochs: raise --epochs, or lower --lr, before taking "
            "5 neurons as sufficient.") in text
    assert "wider only costs" not in text
    # QA: 4 neurons, narrower than the sufficient 5, fit their training set better (0.932
    # against 0.92): their gap is their own, not a poor fit's
    assert t.loc[4, "train_accuracy"] > t.loc[5, "train_accuracy"]
    assert ("among the nets that fit (none narrower than its depth's sufficient width fitting "
            "its training set worse, none undertrained): 1 hidden layer(s) of 4 neurons "
            "(0.0222: train 0.932, validation 0.91); no narrower net that fits to compare "
            "it with, so this sweep shows no gap growing with width: no sign that width "
            "overfits.") in text  # it was "a gap that grows with width is overfitting" of
    # the narrowest width that fits, its gap larger than every wider one's
    # wider nets that fit their training set as well as the best or better overfit
    over = dataclasses.replace(res, runs=res.runs.iloc[:0],
                               table=res.table.assign(train_accuracy=[0.93, 0.92, 0.91, 0.95]))
    line, = (v for v in _verdicts(over) if v.startswith("1 hidden"))
    # QA: "score more than 0.01 below" gave the tolerance, not the gap (0.93 - 0.87)
    assert line.endswith("; wider, 16 neurons score 0.06 below the best (6 neurons) (mean "
                         "validation accuracy; clearly worse: more than the 0.01 within which "
                         "widths count as close) though they fit their training set as well "
                         "or better: overfitting, so wider only costs.")


def test_a_widest_verdict_before_a_best_one_does_not_break_the_next_depth():
    # QA: the widest-width verdict rebound the worse-wider widths to the word "below", so
    # the next depth whose sufficient width was its best raised TypeError (int in str)
    res = capacity_sweep("coin", widths=(2, 4, 8), depths=(1, 2), seeds=1, eps=0.0,
                         config=CAPACITY_CONFIG.replace(max_epochs=30, checkpoint=5))
    table = res.table.assign(val_accuracy=[0.6, 0.7, 0.9, 0.9, 0.7, 0.6],
                             train_accuracy=[0.6, 0.7, 0.9, 0.95, 0.7, 0.6])
    made = dataclasses.replace(res, runs=res.runs.iloc[:0], table=table)
    assert made.sufficient_widths() == {1: 8, 2: 2}
    lines = _verdicts(made)
    assert any(v.startswith("1 hidden layer(s): 8 neurons, the widest tried") for v in lines)
    assert any(v.startswith("2 hidden layer(s): 2 neurons score the best validation accuracy "
                            "of that depth")
               and "wider, 4 and 8 neurons score 0.2 and 0.3 below it" in v
               for v in lines)


def test_the_largest_gap_of_a_net_that_misses_capacity_is_no_overfitting(tmp_path,
                                                                        parse_html):
    # QA: on sine the report's "Largest train/validation gap" named 1 neuron (validation
    # loss 0.0087 against 4 neurons' 0.0007), beside "a gap that grows with width is
    # overfitting"; its gap comes from its poor fit. Said in the loss's units and in RMSE
    res = capacity_sweep("sine", widths=(1, 4), seeds=1, workers=2)
    t = res.table.set_index("width")
    assert res.sufficient_widths() == {1: 4} and t["loss_gap"].idxmax() == 1
    text = " ".join(parse_html(reports.capacity_report(res, tmp_path / "r").read_text())
                    .all_text.split())
    g1, g4 = (f"{t.loc[w, 'loss_gap']:.3g}" for w in (1, 4))
    assert ("Largest train/validation gap (validation − train loss) among the nets that fit "
            "(none narrower than its depth's sufficient width fitting its training set worse, "
            f"none undertrained): 1 hidden layer(s) of 4 neurons ({g4} in loss (½·MSE, scaled "
            f"y): train {t.loc[4, 'train_loss']:.3g}, validation "
            f"{t.loc[4, 'val_loss']:.3g}; RMSE ") in text
    assert ("in the target's own units); no narrower net that fits to compare it with, so "
            "this sweep shows no gap growing with width: no sign that width overfits.") in text
    assert (f"1 hidden layer(s) of 1 neurons has a larger one ({g1} in loss (½·MSE, scaled "
            "y): train ") in text
    assert ("always predicting the training set's mean scores 0.0544), but it is narrower than "
            "its depth's sufficient width and fits its training set worse too: that gap comes "
            "from a poor fit (a high loss), not overfitting.") in text


def test_no_gap_among_the_nets_that_fit_is_said_as_no_overfitting():
    # QA: "Largest train/validation gap ... 1 hidden layer(s) of 4 neurons (-0.0307: train
    # 0.876, validation 0.907); a gap that grows with width is overfitting" sent a student
    # looking for overfitting where validation scored above training for every net
    from reports._capacity_gap import gap_verdict

    res = capacity_sweep("coin", widths=(2, 4, 8), seeds=1, eps=0.0,
                         config=CAPACITY_CONFIG.replace(max_epochs=30, checkpoint=5))
    val = [0.7, 0.9, 0.9]
    for train, larger in (([0.65, 0.88, 0.89], False), ([0.75, 0.88, 0.89], True)):
        table = res.table.assign(val_accuracy=val, train_accuracy=train,
                                 accuracy_gap=[t - v for t, v in zip(train, val, strict=True)])
        made = dataclasses.replace(res, runs=res.runs.iloc[:0], table=table)
        assert made.sufficient_widths() == {1: 4}
        line = gap_verdict(made)
        assert line.startswith(
            "No train/validation gap (train − validation accuracy) among the nets that fit: "
            "each scores at or above its training score on validation (closest: 1 hidden "
            "layer(s) of 8 neurons, -0.01: train 0.89, validation 0.9"), line
        assert "so no sign of overfitting." in line and "grows with width" not in line
        # a poor fit's positive gap is still named, and put down to the fit
        assert ("1 hidden layer(s) of 2 neurons has a larger one (0.05: " in line) == larger


def test_the_headline_verdict_gives_the_best_nets_test_score_not_its_validation_one():
    # mutation QA: the first verdict quoting the validation score as "test" (0.46 twice,
    # while --json said test 0.436) passed every fast test
    res = capacity_sweep("coin", widths=(2, 8), seeds=2,
                         config=CAPACITY_CONFIG.replace(max_epochs=40))
    best = res.best()
    assert (best["val"], best["test"]) == (0.46, 0.436)
    assert _verdicts(res)[0] == ("Best mean validation accuracy: 1 hidden layer(s) of 2 "
                                 "neurons (validation 0.46, test 0.436).")


def test_a_largest_gap_that_does_not_grow_with_width_is_no_overfitting():
    # QA (teacher): `hplab capacity --dataset coin --widths 2,4,8,16,32,64 --depths 1
    # --seeds 2 --epochs 1000` put 32 neurons' gap of 0.025 beside "a gap that grows with
    # width is overfitting", while 16 neurons had 0.0061 and 64, wider, 0.0189: the gaps of
    # the nets that fit differ by less than the 0.0212 the sweep tells widths apart by
    from reports._capacity_gap import gap_verdict

    res = capacity_sweep("coin", widths=(8, 16, 32, 64), seeds=2,
                         config=CAPACITY_CONFIG.replace(max_epochs=1000))
    t = res.table.set_index("width")
    assert t["accuracy_gap"].round(4).tolist() == [0.0156, 0.0061, 0.025, 0.0189]
    assert res.sufficient_widths() == {1: 8}
    assert round(res.sufficient_within()[1], 4) == 0.0212
    line = gap_verdict(res)
    assert line.endswith(
        "1 hidden layer(s) of 32 neurons (0.025: train 0.975, validation 0.95); only 0.0189 "
        "above the 0.00611 of 16 neurons, narrower: within the 0.0212 closer than which this "
        "sweep cannot tell widths apart (Close enough, above), so the gap does not grow with "
        "width that these seeds can tell: no sign that width overfits."), line
    assert "is overfitting" not in line
    # the same gaps, 32 neurons' further above the narrower nets' than that: overfitting
    grown = dataclasses.replace(res, runs=res.runs.iloc[:0], table=res.table.assign(
        train_accuracy=[0.9656, 0.9611, 0.995, 0.9739],
        accuracy_gap=[0.0156, 0.0061, 0.045, 0.0189]))
    assert gap_verdict(grown).endswith(
        "(0.045: train 0.995, validation 0.95); it grows with width, from 0.0061 at 16 "
        "neurons: overfitting.")


def test_a_verdict_read_on_what_half_the_seeds_reach_says_so_where_the_means_differ(
        tmp_path, parse_html):
    # QA: coin?train_size=60 (tanh, 2000 epochs, 3 seeds): 8 neurons' mean validation
    # accuracy 0.823 sits 0.007 below 64's 0.83, yet the report said "every narrower width
    # more than 0.02 below": true of what half their seeds reach (0.80 against 0.83), not of
    # the means the table beside it shows
    config = CAPACITY_CONFIG.replace(activation=("tanh",))
    res = capacity_sweep("coin?train_size=60", widths=(8, 64), seeds=3, config=config)
    t = res.table.set_index("width")
    # the means within the tolerance, what half the seeds reach further (0.8233 and 0.83,
    # medians 0.80 and 0.83 here; 0.82 the mean with the oldest supported libraries)
    means, medians = t["val_accuracy"], res.runs.groupby("width")["val_accuracy"].median()
    assert round(res.sufficient_within()[1], 3) == 0.02
    assert 0 < means[64] - means[8] <= 0.02 < medians[64] - medians[8]
    assert res.sufficient_widths() == {1: 64}
    line, = (v for v in _verdicts(res) if v.startswith("1 hidden"))
    assert line == ("1 hidden layer(s): 64 neurons, the widest tried, score best, above the "
                    "0.46 that always predicting the majority class scores, and every narrower "
                    "width more than 0.02 below on the score half their seeds reach: the sweep "
                    "shows no plateau, so a wider net may score higher still (add wider "
                    "--widths).")
    page = reports.capacity_report(res, tmp_path / "r")
    text = " ".join(parse_html(page.read_text()).all_text.split())
    assert "every narrower width more than 0.02 below on the score half their seeds reach" \
        in text
