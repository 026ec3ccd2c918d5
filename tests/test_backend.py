"""Keras' backend is TensorFlow, explicitly (nstlib/__init__.py): another one is one line of error."""

import json
import os
import subprocess
import sys


def run(code, tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    environ.update(KERAS_HOME=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=300)


def test_another_backend_in_the_variable_is_one_line(tmp_path):
    done = run("import nstlib", tmp_path, KERAS_BACKEND="jax")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "KERAS_BACKEND is 'jax'" in done.stderr, done.stderr
    assert "unset KERAS_BACKEND" in done.stderr and "Traceback" not in done.stderr


def test_the_nst_command_says_it_in_one_line_too(tmp_path):
    code = "import sys; sys.argv = ['nst', '--version']; from nstlib.cli import main; sys.exit(main())"
    done = run(code, tmp_path, KERAS_BACKEND="torch")
    assert done.returncode == 1 and done.stderr.startswith("nstlib: error: ") and done.stderr.count("\n") == 1


def test_a_backend_in_keras_json_is_overridden_by_tensorflow(tmp_path):
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "jax", "floatx": "float32",
                                                     "epsilon": 1e-07, "image_data_format": "channels_last"}))
    done = run("import nstlib, keras, os; print(keras.backend.backend(), os.environ['KERAS_BACKEND'])", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["tensorflow", "tensorflow"]


def test_in_a_notebook_it_is_an_nst_error_shown_in_one_line(tmp_path):
    code = ("import sys, types; sys.modules['ipykernel'] = types.ModuleType('ipykernel')\n"
            "try:\n    import nstlib\nexcept Exception as e:\n"
            "    print(type(e).__name__, len(e._render_traceback_()), 'jax' in str(e))")
    done = run(code, tmp_path, KERAS_BACKEND="jax")
    assert done.stdout.split() == ["NSTError", "1", "True"], (done.stdout, done.stderr)
