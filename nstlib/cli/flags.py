"""The `nst` flags of every Config field, generated from the field itself.

Each Config field becomes ``--field-name`` (or its ``flag`` metadata: ``--size``, ``--lr``),
with the field's own help and the value the command really starts from (its default
preset's), so that `nst stylize --help` always shows what a run does. Booleans get ``--x/--no-x``; fields with choices list them.
This module imports no TensorFlow.
"""

import argparse
import dataclasses

from ..config import Config


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


def add_config_flags(parser, defaults=None, skip=(), types=None):
    """Add a flag for every Config field except those in skip; types overrides a parser.

    defaults: the Config the command starts from (default Config()), whose values the
    help shows. Every flag defaults to None, so that config_changes() knows what the
    user gave.
    """
    defaults = defaults or Config()
    for f in dataclasses.fields(Config):
        if f.name in skip:
            continue
        help_text = f"{f.metadata['help']} (default: {_shown(getattr(defaults, f.name))})".replace("%", "%%")
        kwargs = {"dest": f.name, "default": None, "help": help_text}
        if f.type is bool:
            kwargs["action"] = argparse.BooleanOptionalAction
        else:  # text for tuples and choices: Config parses and checks them, in one clear line
            kwargs["type"] = (types or {}).get(f.name, {int: int, float: float}.get(f.type, str))
            if f.metadata.get("choices"):
                kwargs["metavar"] = "|".join(f.metadata["choices"])
        parser.add_argument(flag_of(f), **kwargs)


def config_changes(args):
    """{field: value} of the Config flags the user gave (Config validates the values)."""
    return {f.name: getattr(args, f.name) for f in dataclasses.fields(Config)
            if getattr(args, f.name, None) is not None}
