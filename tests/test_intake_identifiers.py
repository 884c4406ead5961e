"""Check characters of Chinese resident IDs and USCCs; phone and email formats."""

from __future__ import annotations

from datetime import date

import pytest

from bot.flows.identifiers import (identifier_problem, normalize_email, normalize_phone,
                                   org_code_check_char, resident_id_check_char, uscc_check_char,
                                   party_identifier_problem, valid_old_resident_id,
                                   valid_resident_id, valid_uscc)

TODAY = date(2026, 11, 23)

# The GB 11643-1999 example and a widely published sample; both carry correct check characters.
VALID_IDS = ["11010519491231002X", "440524188001010014", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ"]
# Wrong check character, impossible birth dates, wrong length, letters.
INVALID_IDS = ["110105194912310021", "440524188001010015", "110105194902300029", "110105194913010020",
               "11010519491231002", "1101051949123100211", "11010519491231002A", "01010519491231002X"]
# Real enterprise codes (Alibaba (China) Co., Tencent (Shenzhen), Huawei Technologies, a Beijing
# foreign-invested company) and the example of the standard.
VALID_USCC = ["91330100716105852F", "9144030071526726XG", "914403001922038216", "91110000600037341L",
              "91350100M000100Y43", "91330100 716105852F"]
INVALID_USCC = ["91330100716105852G", "9144030071526726X0", "914403001922038217", "91330100716105852",
                "91330100716105852FF", "9133010071610585IF", "91330100716105862F", "9A330100716105852F"]


@pytest.mark.parametrize("value", VALID_IDS)
def test_valid_resident_ids(value):
    assert valid_resident_id(value, today=TODAY)


@pytest.mark.parametrize("value", INVALID_IDS)
def test_invalid_resident_ids(value):
    assert not valid_resident_id(value, today=TODAY)


def test_resident_id_check_character_is_iso_7064_mod_11_2():
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("44052418800101001") == "4"
    # Every single-digit change of the body changes the check character (MOD 11-2 catches it).
    body = "11010519491231002"
    for i in range(17):
        changed = body[:i] + str((int(body[i]) + 1) % 10) + body[i + 1:]
        assert resident_id_check_char(changed) != "X"


@pytest.mark.parametrize("value", VALID_USCC)
def test_valid_uscc(value):
    assert valid_uscc(value)


@pytest.mark.parametrize("value", INVALID_USCC)
def test_invalid_uscc(value):
    assert not valid_uscc(value)


def test_uscc_check_characters():
    assert uscc_check_char("91330100716105852") == "F"
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert org_code_check_char("71610585") == "2"
    assert org_code_check_char("71526726") == "X"


def test_identifier_problem_depends_on_client_kind():
    assert identifier_problem("11010519491231002X", client_kind="individual", today=TODAY) is None
    assert identifier_problem("110105194912310021", client_kind="individual", today=TODAY) == "bad_resident_id"
    assert identifier_problem("E12345678", client_kind="individual", today=TODAY) is None  # a passport
    assert identifier_problem("12345", client_kind="individual", today=TODAY) == "bad_id_format"
    assert identifier_problem("91330100716105852F", client_kind="enterprise", today=TODAY) is None
    assert identifier_problem("11010519491231002X", client_kind="enterprise", today=TODAY) == "bad_uscc"
    assert identifier_problem("91330100716105852G", client_kind="government", today=TODAY) == "bad_uscc"


@pytest.mark.parametrize(("raw", "expected"), [
    ("13812345678", "+86 13812345678"), ("138 1234 5678", "+86 13812345678"),
    ("+86 138-1234-5678", "+86 13812345678"), ("0086 13812345678", "+86 13812345678"),
    ("１３８１２３４５６７８", "+86 13812345678"), ("010-12345678", "+86 1012345678"),
    ("0755-2345678", "+86 7552345678"), ("+44 20 7946 0958", "+442079460958"),
    ("+1 (415) 555-2671", "+14155552671"), ("0049 30 901820", "+4930901820"),
])
def test_valid_phones(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "23812345678", "1381234567", "138123456789", "+86 12345",
                                 "phone", "+0 123456789", "12812345678", "+86 23812345678"])
def test_invalid_phones(raw):
    assert normalize_phone(raw) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("legal@acme.example", "legal@acme.example"), ("Li.Lei@Example.COM", "Li.Lei@example.com"),
    ("zhang+case@firm.com.cn", "zhang+case@firm.com.cn"), ("张三@例子.中国", "张三@例子.中国"),
])
def test_valid_emails(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize("raw", ["bad@", "@x.com", "a b@x.com", "a..b@x.com", "x@y", "a@b.c",
                                 ".a@x.com", "a.@x.com", "a@@x.com", "a@-x.com"])
def test_invalid_emails(raw):
    assert normalize_email(raw) is None


@pytest.mark.parametrize("value", ["110105-19491231-002X", "110105 19491231 002x", "１１０１０５１９４９１２３１００２Ｘ"])
def test_separated_or_full_width_resident_ids_are_accepted(value):
    assert identifier_problem(value, client_kind="individual", today=TODAY) is None


def test_the_form_keeps_the_id_number_as_the_blind_index_reads_it():
    from bot.flows.intake_form import parse_form

    form, errors = parse_form({"kind": "individual", "name": "张伟", "source": "website", "area": "lit_civil",
                               "need": "A need", "email": "zw@example.com", "consent": ["yes"],
                               "id_number": "110105-19491231-002x"}, today=TODAY)
    assert errors == {} and form is not None and form.id_number == "11010519491231002X"


# --- issue 8: resident-ID-shaped values must pass the resident ID check ---------------------

@pytest.mark.parametrize("value", ["11010519491231002Y", "11010519491231002A", "110105194912310021",
                                   "11010519491231002Z", "440524188001010015", "110105 19491231 002y"])
def test_seventeen_digits_and_a_wrong_check_character_is_no_passport(value):
    assert identifier_problem(value, client_kind="individual", today=TODAY) == "bad_resident_id"


@pytest.mark.parametrize("value", ["E12345678", "G1234567A", "H12345678", "AB1234567890123456"])
def test_passports_and_permits_are_still_accepted(value):
    assert identifier_problem(value, client_kind="individual", today=TODAY) is None


def test_born_in_the_future_is_judged_by_the_callers_date_not_the_real_clock():
    body = "11010520261124001"                     # born 2026-11-24, the day after TODAY
    value = body + resident_id_check_char(body)
    assert not valid_resident_id(value, today=TODAY)
    assert valid_resident_id(value, today=date(2026, 11, 24))
    assert identifier_problem(value, client_kind="individual", today=TODAY) == "bad_resident_id"
    assert identifier_problem(value, client_kind="individual", today=date(2027, 1, 1)) is None


def test_identifiers_module_does_not_read_the_real_clock():
    import inspect

    from bot.flows import identifiers

    source = inspect.getsource(identifiers)
    assert "datetime.now" not in source and "date.today" not in source


@pytest.mark.parametrize(("value", "ok"), [("110105491231002", True), ("110105491331002", False),
                                          ("010105491231002", False)])
def test_fifteen_digit_first_generation_ids_need_a_real_birth_date(value, ok):
    assert valid_old_resident_id(value, today=TODAY) is ok
    problem = identifier_problem(value, client_kind="individual", today=TODAY)
    assert (problem is None) is ok


@pytest.mark.parametrize(("value", "kind", "problem"), [
    ("110105194912310021", "person", "bad_resident_id"),
    ("110105194912310021", None, "bad_resident_id"),
    ("110105194912310021", "organization", "bad_resident_id"),
    ("11010519491231002Y", "person", "bad_resident_id"),
    ("11010519491231002X", "person", None),
    ("11010519491231002X", "organization", None),       # a legal representative's ID on file
    ("914403001922038216", "organization", None),       # an all-digit USCC
    ("914403001922038216", None, None),
    ("914403001922038216", "person", "bad_resident_id"),
    ("91330100716105852F", "person", "bad_resident_id"),
    ("91330100716105852F", "organization", None),
    ("E12345678", "person", None),
    ("LEGACY-REF-7", None, None),
])
def test_imported_party_identifiers(value, kind, problem):
    assert party_identifier_problem(value, party_kind=kind, today=TODAY) == problem
