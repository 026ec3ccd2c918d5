"""The studio's two images, content and style: an example from the catalog, or an upload.

    picker = ImagePicker("content", uploads={}, on_error=print)
    picker.picker, picker.upload   # the dropdown and the Upload button
    picker.thumb, picker.credit    # the thumbnail and the credit line under it
    name, load = picker.source()   # what the run reads: load(max_dim) -> the image

An upload is checked (can Pillow decode it?) and added to the dropdown as
"upload:N:name", its bytes kept in ``uploads`` (one dict for both pickers). The Upload
button works with ipywidgets 8 and with 7.7 (Colab's): :func:`uploaded_files` reads either's
value, :func:`clear_upload` empties either.

Taught in notebooks/06_tuning_with_widgets.ipynb.
"""

import io
from pathlib import Path

import ipywidgets as widgets

from ..errors import NSTError
from ..io.examples import credit, is_example, list_examples, load_example
from ..io.images import load_image
from .plots import placeholder_png, png
from .status import esc

THUMB_SIDE = 160


def uploaded_files(value):
    """[(name, bytes)] of a FileUpload's value, in ipywidgets 8's form or 7's.

    8: a tuple of dicts with "name" and "content" (a memoryview), among others;
    7.7: a dict {name: {"metadata": {"name": ...}, "content": bytes}}.
    """
    if isinstance(value, dict):  # ipywidgets 7
        return [(str(name or "upload"), bytes(f["content"])) for name, f in value.items()]
    return [(str(f.get("name") or "upload"), bytes(f["content"])) for f in value or ()]


def clear_upload(upload):
    """Empty an Upload button, so that the same file can be uploaded again (ipywidgets 8 or 7)."""
    if isinstance(upload.value, dict):  # ipywidgets 7: value is read-only, made from metadata and data
        upload.set_trait("value", {})
        upload.metadata, upload.data = [], []
    else:
        upload.value = ()


class ImagePicker:
    """The widgets that choose one image of a run (role "content" or "style").

    ``ImagePicker(role, uploads, on_error)``: uploads maps the dropdown's upload values
    to their bytes; on_error(exception) reports what the user picked wrong.
    Taught in notebooks/06_tuning_with_widgets.ipynb.
    """

    def __init__(self, role, uploads, on_error):
        W = widgets
        self.role, self.uploads, self.on_error = role, uploads, on_error
        options = [(f"{e.title} ({e.name})", e.name) for e in list_examples(role)]
        self.picker = W.Dropdown(options=options, description="", layout=W.Layout(width="280px"))
        self.upload = W.FileUpload(accept="image/*", multiple=False, description="Upload")
        self.thumb = W.Image(value=placeholder_png(), format="png",
                             layout=W.Layout(width=f"{THUMB_SIDE}px", height="auto"))
        self.credit = W.HTML(layout=W.Layout(width="95%"))
        self.picker.add_class(f"nst-{role}-picker")
        self.upload.add_class(f"nst-{role}-upload")

    def box(self, title):
        """The picker laid out: title, dropdown and Upload, thumbnail, credit."""
        W = widgets
        return W.VBox([W.HTML(f"<b>{title}</b>"), W.HBox([self.picker, self.upload]),
                       self.thumb, self.credit], layout=W.Layout(flex="1 1 380px"))

    def select(self, name):
        """Pick the example called name (NSTError, listing the examples, if there is none)."""
        names = [v for _, v in self.picker.options]
        if name not in names:
            raise NSTError(f"{name!r} is not a {self.role} example; choose one of "
                           f"{', '.join(names)}.")
        self.picker.value = name

    def watch(self):
        """Show the thumbnail now, then after every pick and every upload."""
        self.show()
        self.picker.observe(lambda change: self.show(), names="value")
        self.upload.observe(lambda change: self.take(change["new"], self.upload), names="value")

    def show(self):
        """The thumbnail and credit of the picked image (a placeholder and the error if it fails)."""
        value = self.picker.value
        try:
            if value in self.uploads:
                image = load_image(io.BytesIO(self.uploads[value]), max_dim=THUMB_SIDE, min_side=1)
                self.credit.value = f"<small>your upload: {esc(value.split(':', 2)[2])}</small>"
            else:
                image = load_example(value, max_dim=THUMB_SIDE)
                self.credit.value = f"<small>{esc(credit(value))}</small>"
            self.thumb.value = png(image)
        except Exception as e:  # noqa: BLE001 - any failure is the user's to see, on one line
            self.thumb.value = placeholder_png()
            self.credit.value = ""
            self.on_error(e)

    def take(self, files, upload=None):
        """Add the last of files (FileUpload's value) to the dropdown and pick it, if it decodes."""
        files = uploaded_files(files)
        if not files:
            return
        name, data = files[-1]
        if upload is not None:
            clear_upload(upload)  # empty again, so that the same file can be uploaded again
        try:
            load_image(io.BytesIO(data), min_side=1)  # decodable? (sizes are checked by the run)
        except Exception as e:  # noqa: BLE001
            self.on_error(e)
            return
        key = f"upload:{len(self.uploads)}:{name}"
        self.uploads[key] = data
        self.picker.options = list(self.picker.options) + [(f"⬆ {name}", key)]
        self.picker.value = key  # shows its thumbnail via show()

    def source(self):
        """(name for files, loader(max_dim)) of the picked image, read now (main thread)."""
        value = self.picker.value
        if value in self.uploads:
            data = self.uploads[value]
            stem = Path(value.split(":", 2)[2]).stem
            return stem, lambda max_dim: load_image(io.BytesIO(data), max_dim=max_dim)
        if not is_example(value):
            raise NSTError(f"Pick a {self.role} image first.")
        return value, lambda max_dim: load_example(value, max_dim=max_dim)
