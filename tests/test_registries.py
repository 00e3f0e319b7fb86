"""Each registry is the one list of its names: every setting its entries read reaches the
estimators, ``hplab train``'s flags and a study's space, and every name reaches the
places that offer it. (The README's lists: test_readme.py; the help's: test_cli_help.py.)"""

import dataclasses
import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import registry_names

import hplab
import nets
import study
from reports._cli import _net_flags
from study._space import FIELD_TYPES

#: every TrainConfig setting some optimizer or schedule reads (nets.SETTINGS_READ)
READ = sorted({s for table in nets.SETTINGS_READ.values() for reads in table.values()
               for s in reads})
DEFAULTS = {f.name: f.default for f in dataclasses.fields(nets.TrainConfig)}


def test_the_settings_read_are_the_optimizers_and_schedules_own():
    # the table derives from the registries: one entry per name, no stale one
    assert set(nets.SETTINGS_READ["optimizer"]) == set(nets.OPTIMIZERS)
    assert set(nets.SETTINGS_READ["schedule"]) == set(nets.SCHEDULES)
    assert {"momentum", "beta1", "lr_min", "lr_milestones"} <= set(READ)


@pytest.mark.parametrize("estimator", [nets.NetClassifier, nets.NetRegressor])
def test_every_setting_read_is_an_estimator_parameter_with_trainconfigs_default(estimator):
    # the estimators list TrainConfig's fields by hand: a setting a new optimizer reads
    # (AdamW's weight decay, say) left out there could never be tuned by scikit-learn
    params = estimator().get_params()
    assert {s: params.get(s, "missing") for s in READ} == {s: DEFAULTS[s] for s in READ}


def _check_settings_read(changes=None, rules=None):
    table = {kind: {**names, **(changes or {}).get(kind, {})}
             for kind, names in nets.SETTINGS_READ.items()}
    nets._config_rules.check_settings_read(
        table, DEFAULTS, nets._config_rules._RULES if rules is None else rules,
        nets._optimizers.OPTIMIZER_RULES)


@pytest.mark.parametrize("kind, name, setting", [("optimizer", "adam", "no_such_decay"),
                                                 ("schedule", "cosine", "no_such_mult")])
def test_a_setting_read_that_trainconfig_lacks_is_named_at_import(kind, name, setting):
    # QA: an optimizer's `settings` (a schedule's RULE_SETTINGS) naming a field TrainConfig
    # did not have yet imported fine; tests failed with a bare KeyError, `hplab train` with
    # an AttributeError traceback
    with pytest.raises(LookupError) as info:
        _check_settings_read({kind: {name: (*nets.SETTINGS_READ[kind][name], setting)}})
    assert str(info.value) == (f"{kind} {name!r} reads {setting!r}, which is no "
                               "nets.TrainConfig field (nets/_config.py)")
    # `import nets` runs the check (a reload of _config stands for the import)
    table = (f"nets.OPTIMIZERS[{name!r}].settings" if kind == "optimizer" else
             f"nets._schedules.RULE_SETTINGS[nets.SCHEDULES[{name!r}]]")
    code = (f"import importlib, nets, nets._config as c; "
            f"{table} += ({setting!r},); importlib.reload(c)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == f"LookupError: {info.value}"


@pytest.mark.parametrize("setting", READ)
def test_every_setting_read_has_a_rule(setting):
    # QA: a schedule's new setting left out of _RULES took any value, and a bad one made
    # learning_rate loop for good; nothing in the suite noticed
    rules = {s: rule for s, rule in nets._config_rules._RULES.items() if s != setting}
    with pytest.raises(LookupError, match=f" reads {setting!r}, which has no _RULES entry "):
        _check_settings_read(rules=rules)
    _check_settings_read()  # the tables as they are: every setting has its rule


def test_an_optimizers_setting_has_an_optimizer_rule():
    # OPTIMIZER_RULES also passes a setting to the constructors (ARGUMENTS)
    with pytest.raises(LookupError, match="^optimizer 'adam' reads 'lr_min', which has no "
                                          r"OPTIMIZER_RULES entry \(nets/_optimizers.py\)$"):
        _check_settings_read({"optimizer": {"adam": ("beta1", "lr_min")}})


def test_every_setting_read_is_a_train_flag():
    # hplab train's fine settings are a hand-kept table (TRAIN_FINE_SETTINGS)
    assert set(READ) <= set(_net_flags.TRAIN_FINE_SETTINGS)
    parser = hplab.build_parser()._subparsers._group_actions[0].choices["train"]
    flags = {o for a in parser._actions for o in a.option_strings}
    assert [s for s in READ if "--" + s.replace("_", "-") not in flags] == []


def test_every_setting_read_but_the_milestones_is_searchable():
    # lr_milestones is a tuple: a study fixes it ([fixed]), it cannot draw it
    assert [s for s in READ if s not in FIELD_TYPES] == ["lr_milestones"]


@pytest.mark.parametrize("kind, registry", [("activation", nets.ACTIVATIONS),
                                            ("optimizer", nets.OPTIMIZERS),
                                            ("schedule", nets.SCHEDULES),
                                            ("init", nets.INITIALIZERS)])
def test_a_study_space_takes_every_registered_name(kind, registry):
    names = registry_names(registry)  # a space refuses a name beside its alias
    # multistep needs its milestones, which a study fixes
    fixed = {"lr_milestones": [10]} if kind == "schedule" else {}
    spec = study.parse_spec({"study": {"dataset": "xor", "name": "every"},
                             "space": {kind: names}, "fixed": fixed})
    assert spec.space.get(kind).choices == tuple(names)
    with pytest.raises(study.SpecError, match=f"^space.{kind} value 'nope': ") as info:
        study.parse_spec({"study": {"dataset": "xor", "name": "every"},
                          "space": {kind: ["nope"]}})
    assert ", ".join(registry) in str(info.value)  # the error lists every valid name


# the docs that say which names a setting takes: each lists every name, or points at the
# registry (a hand-kept list there missed a new activation or optimizer without a word)
NAMED = {"activation": "ACTIVATIONS", "optimizer": "OPTIMIZERS", "init": "INITIALIZERS",
         "schedule": "SCHEDULES"}


def _names_missing(text: str, setting: str) -> list[str]:
    """The registered names of ``setting`` that ``text`` leaves out (none when it points at
    the registry)."""
    registry = getattr(nets, NAMED[setting])
    if f"nets.{NAMED[setting]}" in text:
        return []
    return [name for name in registry_names(registry) if not _names(text, name)]


def _names(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


@pytest.mark.parametrize("setting", list(NAMED))
def test_the_estimators_docs_name_every_registered_name(setting):
    # NetRegressor's parameters are NetClassifier's (its docstring says so)
    entry = re.search(rf"\n    {setting} : (.*?)\n    \w[\w, ]* :", nets.NetClassifier.__doc__,
                      re.S)
    assert entry, f"NetClassifier's docstring (nets/_sklearn.py) has no {setting!r} entry"
    missing = _names_missing(entry.group(1), setting)
    assert not missing, (f"NetClassifier's docstring (nets/_sklearn.py), its {setting!r} "
                         f"entry, does not name {', '.join(missing)}")


def _field_comment(source: str, field: str) -> str:
    """A TrainConfig field's comment: on its line, else the comment lines right above it."""
    lines = source.splitlines()
    (i,) = [i for i, ln in enumerate(lines) if ln.lstrip().startswith(f"{field}:")]
    comment = lines[i].partition("#")[2]
    above = []
    while not comment and lines[i - 1 - len(above)].lstrip().startswith("#"):
        above.insert(0, lines[i - 1 - len(above)].lstrip()[1:])
    return comment or " ".join(above)


@pytest.mark.parametrize("setting", list(NAMED))
def test_trainconfigs_comments_name_every_registered_name(setting):
    comment = _field_comment(inspect.getsource(nets.TrainConfig), setting)
    # a comment that lists names (two or more "|"-parted) lists them all
    missing = _names_missing(comment, setting) if "|" in comment else []
    assert not missing, (f"TrainConfig's {setting} comment (nets/_config.py) does not name "
                         f"{', '.join(missing)}: {comment.strip()}")


@pytest.mark.parametrize("setting", READ)
def test_trainconfigs_comments_name_the_optimizers_and_schedules_reading_each_setting(setting):
    # QA: beta1's "# adam" stayed so when a new optimizer read it too: the comment of a
    # setting read names the optimizers (schedules) that read it (nets.SETTINGS_READ), no other
    comment = _field_comment(inspect.getsource(nets.TrainConfig), setting)
    ((kind, readers),) = nets.setting_readers(setting).items()
    names = registry_names(nets.OPTIMIZERS if kind == "optimizer" else nets.SCHEDULES)
    missing = [n for n in readers if not _names(comment, n)]
    stale = [n for n in names if n not in readers and _names(comment, n)]
    wrong = ([f"leaves out {', '.join(missing)}"] if missing else []) + (
        [f"names {', '.join(stale)}, not reading it"] if stale else [])
    assert not wrong, (f"TrainConfig's {setting} comment (nets/_config.py) {' and '.join(wrong)}"
                       f" (the {kind}s reading it: {', '.join(readers)}): {comment.strip()!r}")


def test_a_schedule_or_initializer_missing_from_its_tables_is_named():
    # a schedule registered without its RULE_SETTINGS entry died at `import nets` (every
    # command, --help too) as "KeyError: <function cosine_restarts ...>"
    from nets import _init, _rules, _schedules

    def restarts(step, cfg, total):
        return cfg.lr

    def lecun(rng, n_in, n_out, dtype):
        return rng.standard_normal((n_in, n_out)).astype(dtype)

    tables = {"RULE_SETTINGS": _schedules.RULE_SETTINGS, "RATES": _schedules.RATES}
    schedules = {**nets.SCHEDULES, "cosine_restarts": restarts}
    with pytest.raises(LookupError, match=r"^schedule 'cosine_restarts' has no RULE_SETTINGS "
                                          r"entry in nets/_schedules\.py$"):
        _rules.check_tables("schedule", schedules, tables, "nets/_schedules.py")
    # its reads given, its rate (the help's words) forgotten
    tables["RULE_SETTINGS"] = {**_schedules.RULE_SETTINGS, restarts: ("lr_min",)}
    with pytest.raises(LookupError, match=r"^schedule 'cosine_restarts' has no RATES entry"):
        _rules.check_tables("schedule", schedules, tables, "nets/_schedules.py")
    with pytest.raises(LookupError, match=r"^initializer 'lecun' has no DRAWS entry in "
                                          r"nets/_init\.py$"):
        _rules.check_tables("initializer", {**nets.INITIALIZERS, "lecun": lecun},
                           {"DRAWS": _init.DRAWS}, "nets/_init.py")
    # the tables in place are whole (import nets checked them)
    _rules.check_tables("schedule", nets.SCHEDULES, {"RULE_SETTINGS": _schedules.RULE_SETTINGS,
                                                     "RATES": _schedules.RATES}, "")
    _rules.check_tables("initializer", nets.INITIALIZERS, {"DRAWS": _init.DRAWS}, "")


def test_import_nets_says_which_entry_a_new_schedule_lacks(tmp_path):
    # as the maintainer meets it: a copy of nets with a schedule added to SCHEDULES alone
    source = Path(nets.__file__).parent
    shutil.copytree(source, tmp_path / "nets", ignore=shutil.ignore_patterns("__pycache__"))
    module = tmp_path / "nets" / "_schedules.py"
    text = module.read_text(encoding="utf-8")
    entry = '    "one_cycle": one_cycle,\n'
    assert text.count(entry) == 1
    module.write_text(text.replace(entry, entry + '    "restarts": lambda s, c, t: c.lr,\n'),
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "import nets"], cwd=tmp_path,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "LookupError: schedule 'restarts' has no RULE_SETTINGS entry in nets/_schedules.py")
