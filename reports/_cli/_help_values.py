"""What a flag's help reads from the packages when it is shown (a registry's names, what
each entry does, a setting's readers, a default a package holds): building the parser
imports none of them."""

import argparse
import importlib
import re

from ._help_texts import DEFAULT


def _imported(where: str):
    """The object at the dotted path ``where`` (``"nets.OPTIMIZERS"``), imported now."""
    module, _, name = where.rpartition(".")
    return getattr(importlib.import_module(module), name)


class RegistryNames:
    """A registry's names (``"nets.OPTIMIZERS"``) for a flag's help, an alias beside the
    name it stands for. Read when the help is shown: importing nets or analyses to build
    the parser would cost every command seconds."""

    def __init__(self, where: str):
        self.where = where

    def __str__(self) -> str:
        registry = _imported(self.where)
        first: dict[int, str] = {}  # id of an entry -> the first name it has
        shown = []
        for name, entry in registry.items():
            same = first.setdefault(id(entry), name)
            shown.append(name if same == name else f"{name} (= {same})")
        return ", ".join(shown)


class _RegistryTexts:
    """What each entry of a registry (``"nets.SCHEDULES"``) does, for a flag's help: its
    first name, its aliases when ``aliases`` (the course's names: ``he (the course's
    msra)``), then its text from the table kept beside the registry's code, keyed by entry
    (``"nets.SCHEDULE_RATES"``; an empty text leaves the entry out). Read when the help is
    shown, as `RegistryNames` is."""

    def __init__(self, where: str, texts: str, sep: str, aliases: bool = False):
        self.where, self.texts, self.sep, self.aliases = where, texts, sep, aliases

    def __str__(self) -> str:
        registry, texts = _imported(self.where), _imported(self.texts)
        names: dict[int, list[str]] = {}  # id of an entry -> its names, the first first
        for name, entry in registry.items():
            names.setdefault(id(entry), []).append(name)
        shown = []
        for first, *aliases in names.values():
            entry = registry[first]
            if texts[entry]:
                also = f" (the course's {', '.join(aliases)})" if self.aliases and aliases else ""
                shown.append(f"{first}{also} {texts[entry]}")
        return self.sep.join(shown).replace("%", "%%")  # argparse %-formats the help


INIT_DRAWS = _RegistryTexts("nets.INITIALIZERS", "nets.INIT_DRAWS", ", ", aliases=True)
SCHEDULE_RATES = _RegistryTexts("nets.SCHEDULES", "nets.SCHEDULE_RATES", "; ")


class SettingReaders:
    """The optimizers or schedules that read a TrainConfig setting (`nets.setting_readers`),
    each with its own default where None means one (rho, opt_eps; weight_decay, which every
    optimizer takes, as each one's own), for the setting's flag's help; read when the help
    is shown, as `RegistryNames` is."""

    def __init__(self, setting: str):
        self.setting = setting

    def __str__(self) -> str:
        import nets

        names = [n for readers in nets.setting_readers(self.setting).values() for n in readers]
        own = nets.OWN_DEFAULTS.get(self.setting)
        if own is not None and not names:  # every optimizer takes it (weight_decay)
            values = {n: getattr(cls, own) for n, cls in nets.OPTIMIZERS.items()}
            usual = max(set(values.values()), key=list(values.values()).count)
            return "each optimizer's own: " + ", ".join(
                [f"{usual:g}", *(f"{n} {v:g}" for n, v in values.items() if v != usual)])
        if own is not None:
            # 1e-8 as the optimizers' docs write it, not format's 1e-08
            names = [f"{n} (default {getattr(nets.OPTIMIZERS[n], own):g})".replace("e-0", "e-")
                     for n in names]
        return nets.and_list(names)


class PackageDefault:
    """A flag's default where a package writes it, its one place: an argument of a
    function or a class (``"analyses.lr_grid", "num"``; ``"nets.TrainConfig", "lr_min"``),
    a config's field (``"analyses.CAPACITY_CONFIG", "lr"``), a mapping's key
    (``"nets.DEFAULT_NET", "lr"``) or a constant (``"nets.DEFAULT_SAMPLING_RATIO"``).
    Read when the help is shown (as `default_text` writes it) or the command is parsed
    (`Parser.parse_known_args`), as `RegistryNames` is: the packages are not imported
    to build the parser."""

    def __init__(self, where: str, name: str | None = None):
        self.where, self.name = where, name

    def value(self):
        source = _imported(self.where)
        if self.name is None:
            return source
        if isinstance(source, dict):
            return source[self.name]
        if callable(source):
            import inspect

            return inspect.signature(source).parameters[self.name].default
        return getattr(source, self.name)

    def value_for(self, action: argparse.Action):
        """The value as the flag gives it: a text through the flag's type, as argparse
        reads a default written as text (``"relu"`` for --activation: ``("relu",)``)."""
        value = self.value()
        return action.type(value) if isinstance(value, str) and action.type else value

    def __str__(self) -> str:
        return default_text(self.value())


def default_text(value) -> str:
    """A default as a flag's help gives it: ``1e-7``, ``0.9``, ``10`` (a float as ``%g``
    writes it, its exponent unpadded), a tuple comma-separated (``2,4,8``)."""
    if isinstance(value, tuple):
        return ",".join(map(default_text, value))
    if isinstance(value, float):
        return re.sub(r"e([-+])0(?=\d)", r"e\1", f"{value:g}")
    return str(value)


def package_defaults(action: argparse.Action) -> dict[str, PackageDefault]:
    """The placeholders of ``action``'s help each `PackageDefault` fills: its default's
    at {default}, and those set on it (``action.package_defaults``)."""
    said = dict(getattr(action, "package_defaults", {}))
    if isinstance(action.default, PackageDefault):
        said.setdefault(DEFAULT, action.default)
    return said
