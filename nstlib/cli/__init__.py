"""The `nst` command (also `python -m nstlib`): one file per subcommand.

    stylize.py     nst stylize    paint CONTENT in the style of STYLE
    video.py       nst video      stylize every frame of a clip
    train.py       nst train      train a network that paints in one pass (notebook 08)
    network.py     nst stylize CONTENT --network: paint with a trained network
    examples.py    nst examples   the example images and their credits
    instructor.py  nst release, nst grade: the instructor's tools (nstlib.instructor)
    flags.py       the flags of every Config field, generated from Config

A user's mistake (a missing file, a bad value) exits with status 2 and one line on
stderr; Ctrl-C ends a run cleanly, saving the best image so far (status 130). The
subcommands import TensorFlow only when they run, so that `nst --help` answers at once.
"""

import argparse
import os
import signal
import sys

from .. import __version__
from ..errors import NSTError
from . import examples, instructor, stylize, train, video


def build_parser():
    parser = argparse.ArgumentParser(prog="nst", description="Neural style transfer (Gatys et al.) with TensorFlow.")
    parser.add_argument("--version", action="version", version=f"nst {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in (stylize, video, train, examples, instructor):
        command.register(sub)
    return parser


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = build_parser().parse_args(argv)
    from ..core.interrupt import stop_as_ctrl_c

    signal.signal(signal.SIGTERM, stop_as_ctrl_c)  # `kill` ends a run as Ctrl-C does, SIGINT ignored or not
    try:
        from .. import import_tensorflow_quietly

        import_tensorflow_quietly()
        return args.func(args)
    except NSTError as e:
        print(f"nst: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nst: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `nst examples | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
