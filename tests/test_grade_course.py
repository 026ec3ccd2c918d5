"""`nst grade` on a real course notebook (03, in quick mode): the solution earns every automatic
point, the written answer is listed for grading by hand, and a content_cost that hands the
exercise to the package's version scores 0, with the reason."""

import json
from pathlib import Path

import nbformat
import pytest

from nstlib.instructor import grade as gr
from nstlib.instructor.release import release_notebook

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "notebooks" / "03_content_cost.ipynb"
DELEGATIONS = {
    "an alias": "    from nstlib.core import costs as c\n    return c.content_cost(a_C, a_G)",
    "the nstlib namespace": "    import nstlib\n    return nstlib.content_cost(a_C, a_G)",
}


def submission(tmp_path, name, body):
    nb = release_notebook(nbformat.read(SOURCE, as_version=4))
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "ex_content_cost":
            cell.source = cell.source.replace("    # YOUR CODE HERE\n    raise NotImplementedError()", body)
    folder = tmp_path / name
    folder.mkdir()
    nbformat.write(nb, folder / SOURCE.name)
    return folder / SOURCE.name


@pytest.mark.slow
def test_nst_grade_gives_the_package_s_answer_zero(tmp_path, vgg_weights):
    (tmp_path / "solution").mkdir()
    paths = [tmp_path / "solution" / SOURCE.name]
    paths[0].write_text(SOURCE.read_text())
    paths += [submission(tmp_path, f"s{i}", body) for i, body in enumerate(DELEGATIONS.values())]
    reports = gr.grade(paths, source_dir=SOURCE.parent, timeout=600)
    solution, *delegated = reports
    assert solution.total == solution.max > 0, gr.format_report(solution)
    assert [e.status for e in solution.by_hand] == [gr.BY_HAND]
    for how, report in zip(DELEGATIONS, delegated):
        result = {e.grade_id: e for e in report.exercises}["check_content_cost"]
        assert result.earned == 0 and result.status == gr.FAILED, (how, gr.format_report(report))
        assert "calls a ready-made answer" in result.error, (how, result.error)
    assert json.loads(gr.to_json(reports))[1]["total"] == 0
