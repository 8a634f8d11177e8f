"""Chinese numbers and dates for furniture templates (xjeditor.layouts.cnformat)."""

import datetime as dt

import pytest

from xjeditor.layouts.cnformat import (
    FILTERS,
    as_date,
    banci,
    cn_date,
    cn_digits,
    cn_numeral,
    cn_weekday,
    qihao,
    zong_qihao,
)


@pytest.mark.parametrize(
    "n, text",
    [
        (0, "零"),
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (15, "十五"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (102, "一百零二"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (1000, "一千"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (1100, "一千一百"),
        (2021, "二千零二十一"),
        (10000, "一万"),
        (10001, "一万零一"),
        (10010, "一万零一十"),
        (100010, "十万零一十"),
        (120000, "十二万"),
        (1000000, "一百万"),
        (100000001, "一亿零一"),
        (123456789, "一亿二千三百四十五万六千七百八十九"),
        (-3, "负三"),
    ],
)
def test_cn_numeral(n, text):
    assert cn_numeral(n) == text


def test_cn_numeral_rejects_what_is_not_a_whole_number():
    for bad in (1.5, "12a", None, True):
        with pytest.raises(TypeError):
            cn_numeral(bad)
    with pytest.raises(ValueError):
        cn_numeral(10**12)
    assert cn_numeral("12") == "十二"
    assert cn_numeral(3.0) == "三"


def test_cn_digits():
    assert cn_digits(2021) == "二〇二一"
    assert cn_digits(0) == "〇"
    assert cn_digits(105) == "一〇五"


def test_weekday_and_date():
    d = dt.date(2021, 1, 15)  # a Friday
    assert cn_weekday(d) == "星期五"
    assert cn_weekday(dt.date(2021, 1, 17)) == "星期日"
    assert cn_weekday(d, prefix="周") == "周五"
    assert cn_date(d) == "2021年1月15日"
    assert cn_date(d, weekday=True) == "2021年1月15日 星期五"
    assert cn_date(d, chinese=True) == "二〇二一年一月十五日"
    assert cn_date(dt.date(2020, 12, 31), chinese=True) == "二〇二〇年十二月三十一日"
    assert cn_date("2021-01-15", weekday=True) == "2021年1月15日 星期五"
    assert cn_date(dt.datetime(2021, 1, 15, 8, 30)) == "2021年1月15日"


def test_as_date_rejects_garbage():
    with pytest.raises(TypeError):
        as_date("15.1.2021")
    with pytest.raises(TypeError):
        as_date(20210115)


def test_page_and_issue_numbers():
    assert banci(2) == "第2版"
    assert banci(12, chinese=True) == "第十二版"
    assert qihao(152) == "第152期"
    assert qihao(3, chinese=True) == "第三期"
    assert zong_qihao(1234) == "总第1234期"


def test_filters_table_names_every_function():
    assert set(FILTERS) == {"cn_numeral", "cn_digits", "cn_weekday", "cn_date", "banci", "qihao", "zong_qihao"}
