"""The public API's docstrings keep their numpydoc structure (QA session 36's docs review):
a Parameters section names only real parameters, in signature order; every public method
says what it does; the functions documented so far keep their Parameters sections; each
package's docstring points a user to the functions to call."""

import dataclasses
import importlib
import inspect

import pytest
from numpydoc.docscrape import NumpyDocString

PACKAGES = ("nets", "data", "study", "analyses", "reports")

#: callables that take parameters without a Parameters section of their own, and why
NO_PARAMETERS = {
    # "those of NetClassifier without class_weight", which a test below checks
    "nets.NetRegressor": "NetClassifier's",
}

#: dataclasses whose Attributes section (numpydoc's convention for a dataclass) names every
#: field in field order, in place of a Parameters section: this list only grows
HAVE_ATTRIBUTES = (
    "analyses.CapacityResult", "analyses.ImbalanceResult", "analyses.LRRangeResult",
    "analyses.LrExponent", "analyses.RangeCurve", "analyses.ScalingResult",
    "analyses.ScalingFit", "data.Dataset", "nets.Prediction", "nets.SavedModel",
    "nets.Strategy", "nets.TrainConfig", "nets.TrainResult", "nets.TrainState",
    "reports.ComparedRun", "reports.IndexEntry", "reports.ReportInfo",
    "reports.RunComparison", "study.Param", "study.Space", "study.StorageURL",
    "study.StudySpec", "study.TrainRun", "nets.GradCheckResult",
)


def _public_callables():
    """(name as a user writes it, object): the five packages' functions and classes, and
    the classes' public methods; each object once."""
    seen = set()
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{package}.{name}", obj
            if inspect.isclass(obj):
                # its own methods and those its package's bases give it (MLP's loss and
                # backward are _Backprop's), each as the class finds it
                bases = [c for c in obj.__mro__ if c.__module__.split(".")[0] == package]
                for method in dict.fromkeys(m for c in bases for m in vars(c)):
                    member = inspect.getattr_static(obj, method)
                    if not method.startswith("_") and inspect.isfunction(member):
                        yield f"{package}.{name}.{method}", member


PUBLIC = dict(_public_callables())


def _signature_names(obj):
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):  # a class without an inspectable __init__
        return []
    names = list(signature.parameters)
    # a method's own (a function read off its class): not a NamedTuple's field named cls
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _documented_names(obj):
    # numpydoc lets one entry name several parameters ("X, y") and keeps "*args"'s star
    names = []
    for entry in NumpyDocString(inspect.getdoc(obj) or "")["Parameters"]:
        names += [part.strip().lstrip("*") for part in entry.name.split(",")]
    return names


def test_a_parameters_section_names_real_parameters_in_signature_order():
    # Objective's prose paragraph read as 6 parameters; gradcheck_dataset's init misplaced
    wrong = {}
    for name, obj in PUBLIC.items():
        documented, real = _documented_names(obj), _signature_names(obj)
        if [p for p in documented if p not in real] or \
                documented != sorted(documented, key=real.index):
            wrong[name] = (documented, real)
    assert wrong == {}


def test_every_public_method_has_a_docstring():
    bare = [name for name, obj in PUBLIC.items() if not inspect.getdoc(obj)]
    assert bare == []


def test_every_callable_that_takes_parameters_documents_each():
    # a list of the documented ones only grew (data.unknown_set, study.PrunerEntry and
    # HeldStartLoky's methods were never on it); verify_verdict documented baseline only,
    # decision_frame left out n_classes... A dataclass's fields are its Attributes (below)
    partial = {name: (_documented_names(obj), _signature_names(obj))
               for name, obj in PUBLIC.items()
               if name not in NO_PARAMETERS and name not in HAVE_ATTRIBUTES}
    # each one's parameters its docstring leaves out (or both lists, if only the order is off)
    assert {name: [p for p in real if p not in documented] or (documented, real)
            for name, (documented, real) in partial.items() if documented != real} == {}
    assert [n for n in NO_PARAMETERS if not _signature_names(PUBLIC[n])
            or _documented_names(PUBLIC[n])] == []  # each still needs its exemption


def _field_names(obj):
    # a private field (TrainState's _last_batch) is no attribute a user reads
    return [f.name for f in dataclasses.fields(obj) if not f.name.startswith("_")]


def _documented_attributes(obj):
    names = []
    for entry in NumpyDocString(inspect.getdoc(obj) or "")["Attributes"]:
        names += [part.strip() for part in entry.name.split(",")]
    return names


def test_an_attributes_section_of_a_dataclass_names_real_fields_in_field_order():
    # Dataset's named X_train, X_val, X_test before y_train, its fields' order X_train, y_train
    wrong = {}
    for name, obj in PUBLIC.items():
        if not (inspect.isclass(obj) and dataclasses.is_dataclass(obj)):
            continue
        documented, real = _documented_attributes(obj), _field_names(obj)
        if [a for a in documented if a not in real] or \
                documented != sorted(documented, key=real.index):
            wrong[name] = (documented, real)
    assert wrong == {}


def test_documented_dataclasses_keep_every_field():
    # a dataclass's fields are its parameters: its Attributes section names each, in order
    assert [n for n in HAVE_ATTRIBUTES if not dataclasses.is_dataclass(PUBLIC[n])] == []
    partial = {name: (_documented_attributes(PUBLIC[name]), _field_names(PUBLIC[name]))
               for name in HAVE_ATTRIBUTES}
    assert {name: [f for f in real if f not in documented] or (documented, real)
            for name, (documented, real) in partial.items() if documented != real} == {}


@pytest.mark.parametrize("package, entry_points", [
    ("study", ("load_spec", "run_study", "train_run", "open_study", "trial_info")),
    ("analyses", ("lr_range_test", "scaling_study", "capacity_sweep", "imbalance_benchmark")),
])
def test_a_package_docstring_names_the_functions_a_user_calls(package, entry_points):
    doc = importlib.import_module(package).__doc__
    assert [f for f in entry_points if f"`{f}`" not in doc] == []


def test_trial_info_names_every_key_and_status_of_a_record():
    # QA: help(study.trial_info) had no Parameters or Returns, though the README reads its
    # "status" (the keys of a real trial's record, and every status a run can end with)
    import nets
    import study
    from study._objective import trial_record
    from study._record import OWNER_KEYS

    returns = "\n".join(NumpyDocString(inspect.getdoc(study.trial_info))["Returns"][0].desc)
    run = study.train_run("coin", nets.TrainConfig(hidden=(2,), max_epochs=1))
    for key in (*trial_record(run, "pruned"), *OWNER_KEYS):
        assert f"``{key}``" in returns, key
    statuses = ("converged", "max_epochs", "early_stopped", "diverged", "stopped", "pruned",
                "error", "interrupted")
    assert [s for s in statuses if f"``{s}``" not in returns] == []
    assert "`OUTCOMES`" in returns


def test_netregressors_parameters_are_netclassifiers_without_class_weight():
    # as its docstring says, which has no Parameters section of its own (QA: a new
    # optimizer's setting reached both signatures, and neither docstring said it)
    documented = _documented_names(PUBLIC["nets.NetClassifier"])
    assert _signature_names(PUBLIC["nets.NetRegressor"]) == [
        p for p in documented if p != "class_weight"]


def test_make_optimizers_keyword_arguments_name_every_optimizer_setting():
    # its **kwargs entry lists them by hand: the constructors' arguments (nets/_optimizers.py)
    from nets._optimizers import ARGUMENTS

    (kwargs,) = [e for e in NumpyDocString(inspect.getdoc(PUBLIC["nets.make_optimizer"]))[
        "Parameters"] if e.name == "**kwargs"]
    listed = " ".join(kwargs.desc).split("(")[0]
    assert [a for a in ARGUMENTS.values() if a not in listed.replace(",", " ").split()] == []
