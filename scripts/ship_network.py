"""Ship a network `nst train` made: copy it into nstlib/feedforward/networks/ under its style's
name, with its record beside it (NAME.json: the record the file carries, every command that
trained it, its size and sha256).

    python scripts/ship_network.py starry.nstnet \
        --command "nst train van_gogh_the_starry_night -o starry.nstnet --size 128 --time 480" \
        --command "nst train van_gogh_the_starry_night -o starry.nstnet --size 128 --steps 2000 --resume"

Refuses a file over MAX_BYTES (the issue's 5 MB) and one whose style is not an example's
name (a shipped network loads by that name: `nst stylize PHOTO --network NAME`).
tests/test_feedforward_shipped.py checks what this writes.
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nstlib.feedforward.record import sha256  # noqa: E402
from nstlib.feedforward.storage import NETWORKS_DIR, read_network_file  # noqa: E402
from nstlib.io.examples import list_examples  # noqa: E402

MAX_BYTES = 5 * 1024 * 1024


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("network", type=Path)
    p.add_argument("--command", action="append", default=[], help="each command that trained it, in order")
    args = p.parse_args(argv)
    meta, _ = read_network_file(args.network)
    style = meta["style"]
    if style not in {e.name for e in list_examples("style")}:
        sys.exit(f"ship_network.py: its style {style!r} is not an example's name")
    size = args.network.stat().st_size
    if size > MAX_BYTES:
        sys.exit(f"ship_network.py: {args.network} is {size / 2**20:.1f} MB, over {MAX_BYTES / 2**20:.0f} MB")
    commands = args.command or [meta["record"]["command"]]
    NETWORKS_DIR.mkdir(exist_ok=True)
    target = NETWORKS_DIR / f"{style}.nstnet"
    shutil.copyfile(args.network, target)
    record = {"style": style, "file": target.name, "bytes": size, "sha256": sha256(target),
              "commands": commands, **meta["record"]}
    (NETWORKS_DIR / f"{style}.json").write_text(json.dumps(record, indent=1) + "\n")
    print(f"shipped {target.relative_to(REPO)} ({size / 2**20:.2f} MB, sha256 {record['sha256'][:16]}...)")


if __name__ == "__main__":
    main()
