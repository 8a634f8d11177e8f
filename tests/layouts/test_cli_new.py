"""``xjeditor new``, run in-process through ``xjeditor.cli.main``."""

import datetime as dt

import pytest

from xjeditor.cli import main
from xjeditor.fileformat import load_issue
from xjeditor.model import PageKind


def test_new_writes_an_issue_that_loads(tmp_path, capsys):
    out = tmp_path / "issue.xjb"
    rc = main(["new", "--layout", "社区晨报-四开", "--pages", "4", "--number", "152", "--date", "2021-01-15",
               "-o", str(out)])
    assert rc == 0
    issue = load_issue(out)
    assert issue.layout == "社区晨报-四开"
    assert issue.number == 152 and issue.date == dt.date(2021, 1, 15)
    assert [p.kind for p in issue.pages] == [PageKind.FRONT] + [PageKind.INNER] * 3
    assert [p.section for p in issue.pages] == ["要闻", "社区要闻", "社区生活", "文化"]
    assert "masthead" in issue.styles.paragraph
    assert "issue.xjb" in capsys.readouterr().out


def test_new_by_file_stem_with_total_and_paper(tmp_path):
    out = tmp_path / "a4.xjb"
    rc = main(["new", "--layout", "newsletter-a4", "--number", "3", "--total-number", "88", "--date",
               "2021-02-01", "--paper", "测试社区报", "-o", str(out)])
    assert rc == 0
    issue = load_issue(out)
    assert issue.paper == "测试社区报" and issue.total_number == 88
    assert (issue.pages[0].width, issue.pages[0].height) == (210.0, 297.0)


def test_unknown_layout_exits_2_listing_the_layouts(tmp_path, capsys):
    out = tmp_path / "x.xjb"
    rc = main(["new", "--layout", "社区晨报-八开", "-o", str(out)])
    assert rc == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "社区晨报-八开" in err and "社区晨报-四开" in err and "社区晨报-对开" in err
    assert not out.exists()


def test_page_count_not_multiple_of_four_warns(tmp_path, capsys):
    out = tmp_path / "six.xjb"
    rc = main(["new", "--pages", "6", "--date", "2021-01-15", "-o", str(out)])
    assert rc == 0
    assert "R42" in capsys.readouterr().err
    assert len(load_issue(out).pages) == 6


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "2021-13-01"],
        ["--date", "15.1.2021"],
        ["--pages", "0"],
        ["--pages", "four"],
        ["--number", "-1"],
        ["--bogus"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["new", *args, "-o", str(tmp_path / "x.xjb")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("xjeditor: error:") and err.count("\n") == 1


def test_missing_output_and_existing_file(tmp_path, capsys):
    assert main(["new"]) == 2
    assert "-o" in capsys.readouterr().err
    out = tmp_path / "issue.xjb"
    out.write_bytes(b"keep me")
    assert main(["new", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    assert main(["new", "--date", "2021-01-15", "--force", "-o", str(out)]) == 0
    assert load_issue(out).pages


def test_list_layouts(capsys):
    assert main(["new", "--list-layouts"]) == 0
    out = capsys.readouterr().out
    assert "社区晨报-四开" in out and "chenbao-sikai" in out and "社区简报-A4" in out
