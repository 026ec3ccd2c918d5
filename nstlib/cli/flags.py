"""The `nst` flags of every Config field, generated from the field itself.

Each Config field becomes ``--field-name`` (or its ``flag`` metadata: ``--size``, ``--lr``),
with the field's own help and the value the command really starts from (its default
preset's), so that `nst stylize --help` always shows what a run does. Booleans get ``--x/--no-x``; fields with choices list them.
The flags come in groups (GROUPS); α and β also answer to the names other style-transfer
command lines use (--content-weight, --style-weight). ``add_settings_flags`` adds --preset
and every group: `nst stylize` and `nst video` share them. This module imports no TensorFlow.
"""

import argparse
import dataclasses

from ..config import DEFAULT_CONFIG, DEFAULT_PRESET, Config
from ..errors import NSTError
from ..extensions.presets import PRESETS, preset

# The --help groups of the Config fields, in the order they show; every field is in one.
GROUPS = {
    "weights (J = α J_content + β J_style + tv_weight J_tv)": ("alpha", "beta", "tv_weight", "temporal_weight"),
    "sizes": ("max_dim", "style_scale", "min_size", "scale_factor", "coarse_steps", "detail", "warm_start"),
    "optimization": ("optimizer", "steps", "learning_rate", "adam_beta1", "adam_epsilon", "ema", "init",
                     "noise_ratio", "time_budget", "seed"),
    "what is compared": ("content_layers", "style_layers", "pooling", "preprocess", "normalization", "style_loss"),
    "arithmetic": ("precision", "jit_compile"),
}
# The fields' second spellings: the names of jcjohnson/neural-style and its successors.
SECOND_SPELLINGS = {"alpha": ("--content-weight",), "beta": ("--style-weight",)}
PRESET_HELP = (f"start from a preset's settings (default: {DEFAULT_PRESET}, the quick one, whose values the defaults "
               "below show; the other flags change them): fast, high (the high-quality mode: slower, finer), "
               f"{', '.join(p for p in PRESETS if p not in ('fast', 'high'))}")


def flag_of(f):
    return f.metadata.get("flag") or "--" + f.name.replace("_", "-")


def _shown(value):
    """A default as a user types it: block4_conv2; block1_conv1:0.2,...; 0.001."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ",".join(f"{n}:{w:g}" for n, w in value)
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _range(m):
    """A field's range as its help shows it: "; 1 to 4096", "; > 0", "; at least 0", or ""."""
    if m.get("positive"):
        return "; > 0"
    if m.get("low") is None or m.get("choices"):
        return ""
    return f"; {m['low']:g} to {m['high']:g}" if m.get("high") is not None else f"; at least {m['low']:g}"


def add_config_flags(parser, defaults=None, skip=(), types=None):
    """Add a flag for every Config field except those in skip, in GROUPS; types overrides a parser.

    defaults: the Config the command starts from (default DEFAULT_CONFIG), whose values the
    help shows; a field's range (its metadata) is shown too. Every flag defaults to None, so that config_changes() knows what the
    user gave. Returns {group title's first words: the argparse group}, to add more flags to.
    """
    defaults = defaults or DEFAULT_CONFIG
    fields = {f.name: f for f in dataclasses.fields(Config)}
    groups = {}
    for title, names in GROUPS.items():
        groups[title.split(" (")[0]] = group = parser.add_argument_group(title)
        for name in names:
            if name not in skip:
                _add_flag(group, fields[name], getattr(defaults, name), types)
    return groups


def _add_flag(group, f, default, types):
    help_text = f"{f.metadata['help']} (default: {_shown(default)}{_range(f.metadata)})".replace("%", "%%")
    kwargs = {"dest": f.name, "default": None, "help": help_text}
    if f.type is bool:
        kwargs["action"] = argparse.BooleanOptionalAction
    else:  # text for tuples and choices: Config parses and checks them, in one clear line
        kwargs["type"] = (types or {}).get(f.name, {int: int, float: float}.get(f.type, str))
        if f.metadata.get("choices"):
            kwargs["metavar"] = "|".join(f.metadata["choices"])
    group.add_argument(flag_of(f), *SECOND_SPELLINGS.get(f.name, ()), **kwargs)


def add_settings_flags(parser, skip=(), types=None, defaults=None):
    """--preset and the Config flags (but skip): the settings of `nst stylize` and `nst video`.

    defaults: the Config the help shows (default: the default preset's)."""
    parser.add_argument_group("preset").add_argument("--preset", metavar="NAME", help=PRESET_HELP)
    return add_config_flags(parser, defaults or DEFAULT_CONFIG, skip, types)


def settings_config(args, changes):
    """The Config a command runs: --preset's (default DEFAULT_PRESET) with the changes."""
    if args.preset is not None and not args.preset.strip():
        raise NSTError(f"--preset needs a name: one of {', '.join(PRESETS)}.")
    return preset(args.preset or DEFAULT_PRESET, **changes)


def config_changes(args):
    """{field: value} of the Config flags the user gave (Config validates the values)."""
    return {f.name: getattr(args, f.name) for f in dataclasses.fields(Config)
            if getattr(args, f.name, None) is not None}
