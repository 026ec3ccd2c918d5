"""`nst examples`: the example images, usable by name, with their credits."""


def register(sub):
    p = sub.add_parser("examples", help="list the example images and their credits",
                       description="List the example images, usable by name in `nst stylize`.")
    p.add_argument("--role", choices=("content", "style"), help="only content or only style images")
    p.set_defaults(func=run)


def run(args):
    from ..io.examples import list_examples

    rows = [(e.name, e.role, e.license, f'"{e.title}", {e.author}' + (f", {e.year}" if e.year else ""))
            for e in list_examples(args.role)]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[3])
    return 0
