"""The direct EDTF reader (plain dates, seasons, intervals) gives the edtf library's bounds,
except for winters, which the library narrows to one December."""

from __future__ import annotations

import random

import pytest

from ldpub.expanders import ExpansionError, _fast_bounds, _struct_to_date, _widen_winters, edtf_bounds


def _expressions(n: int = 30) -> list[str]:
    rng = random.Random(7)
    out = []
    for _ in range(n):
        y, m, d, season = rng.randint(1, 2100), rng.randint(1, 12), rng.randint(1, 28), rng.randint(21, 24)
        forms = [f"{y:04d}", f"{y:04d}-{m:02d}", f"{y:04d}-{m:02d}-{d:02d}", f"{y:04d}-{season}"]
        out += forms + [f"{rng.choice(forms)}/{rng.choice(forms)}", f"../{rng.choice(forms)}", f"{rng.choice(forms)}/.."]
    return out


def test_fast_path_matches_the_edtf_library():
    import edtf

    checked = 0
    for text in _expressions():
        fast = _fast_bounds(text)
        assert fast is not None, text
        parsed = edtf.parse_edtf(text)
        library = _struct_to_date(parsed.lower_strict()), _struct_to_date(parsed.upper_strict())
        assert fast == _widen_winters(text, *library), text
        checked += 1
    assert checked == 7 * 30


@pytest.mark.parametrize("text", ["2019-02-29", "2019-13", "20190", "spring 2019"])
def test_bad_dates_still_get_the_full_parser_and_its_error(text):
    with pytest.raises(ExpansionError):
        edtf_bounds(text)


def test_other_edtf_forms_still_work():
    assert edtf_bounds("2019-21") == edtf_bounds("2019-21")  # cached
    low, high = edtf_bounds("2019?")  # uncertain: parsed by the edtf library
    assert low.year == 2019 and high.year == 2019


@pytest.mark.parametrize("text, low, high", [
    ("2019-24", "2018-12-01", "2020-02-29"),  # the winter ending in 2019 or the one beginning in it
    ("2018-24", "2017-12-01", "2019-02-28"),
    ("2019-24/2020-05", "2018-12-01", "2020-05-31"),
    ("2017/2019-24", "2017-01-01", "2020-02-29"),
    ("2019-24/..", "2018-12-01", None),
])
def test_a_winter_keeps_both_readings_not_one_december(text, low, high):
    earliest, latest = edtf_bounds(text)
    assert earliest.isoformat() == low
    assert (latest.isoformat() if latest else None) == high
