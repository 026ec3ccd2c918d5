"""The studio's Upload button with ipywidgets 8 and with 7.7 (Colab's), whichever is installed.

CI runs this file under both: .venv has ipywidgets 8, scripts/test_student_install.sh's venv
7.7.1. :func:`simulate_upload` does what the browser does in either version: 8 sets the
button's value to a tuple of file dicts; 7.7 sets ``metadata`` and ``data`` and counts
``_counter`` up, from which the widget makes its read-only value {name: {metadata, content}}.
"""

import datetime
import io

import ipywidgets
import pytest
from PIL import Image

from nstlib.studio.pickers import ImagePicker, clear_upload, uploaded_files

IPYWIDGETS_7 = ipywidgets.__version__.startswith("7.")


def png_bytes(width=80, height=60, color=(20, 120, 200)):
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


def simulate_upload(button, name, data, mime="image/png"):
    """Put one file into a FileUpload as the browser does, in the installed ipywidgets' way."""
    if IPYWIDGETS_7:
        with button.hold_trait_notifications():
            button.metadata = [{"name": name, "type": mime, "size": len(data), "lastModified": 0}]
            button.data = [data]
            button._counter += 1
    else:
        button.value = ({"name": name, "type": mime, "size": len(data), "content": memoryview(data),
                         "last_modified": datetime.datetime.now(datetime.UTC)},)


def test_uploaded_files_reads_both_versions_values():
    data = png_bytes()
    eight = ({"name": "a.png", "type": "image/png", "size": len(data), "content": memoryview(data),
              "last_modified": datetime.datetime.now(datetime.UTC)},)
    seven = {"a.png": {"metadata": {"name": "a.png", "type": "image/png", "size": len(data),
                                    "lastModified": 0}, "content": data}}
    assert uploaded_files(eight) == uploaded_files(seven) == [("a.png", data)]
    assert uploaded_files(()) == uploaded_files({}) == uploaded_files(None) == []
    assert uploaded_files([{"content": data}]) == [("upload", data)]  # Studio.add_image's form, no name


@pytest.fixture
def picker():
    errors = []
    p = ImagePicker("content", uploads={}, on_error=errors.append)
    p.errors = errors
    p.watch()
    yield p
    p.upload.close()


def test_an_upload_is_picked_and_the_button_emptied_so_the_same_file_can_come_again(picker):
    data = png_bytes()
    simulate_upload(picker.upload, "my photo.png", data)
    assert picker.picker.value == "upload:0:my photo.png"
    assert picker.uploads["upload:0:my photo.png"] == data
    assert "my photo.png" in picker.credit.value and picker.errors == []
    assert not picker.upload.value  # emptied: () in 8, {} in 7.7
    if IPYWIDGETS_7:
        assert picker.upload.metadata == [] and picker.upload.data == []

    simulate_upload(picker.upload, "my photo.png", data)  # the same file again
    assert picker.picker.value == "upload:1:my photo.png"
    name, load = picker.source()
    assert name == "my photo" and tuple(load(64).shape) == (1, 48, 64, 3)


def test_a_file_that_is_not_an_image_is_reported_and_not_picked(picker):
    before = picker.picker.value
    simulate_upload(picker.upload, "page.jpg", b"<html>not a picture</html>", mime="image/jpeg")
    assert picker.picker.value == before and picker.uploads == {}
    assert len(picker.errors) == 1 and "not an image Pillow can read" in str(picker.errors[0])
    assert not picker.upload.value


def test_clear_upload_empties_a_button_of_either_version():
    button = ipywidgets.FileUpload(accept="image/*", multiple=False)
    simulate_upload(button, "a.png", png_bytes())
    assert button.value
    clear_upload(button)
    assert not button.value
    button.close()
