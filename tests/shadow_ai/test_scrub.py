"""Scrubbing prompt text: planted values removed, look-alikes that fail the checksum kept."""

import pytest

from shadow_ai.scrub import KINDS, PLACEHOLDERS, Scrubbed, scrub, shannon_entropy

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "-----END RSA PRIVATE KEY-----"
)

# (kind, planted value) - each must disappear and be counted once as its kind.
PLANTED = [
    ("email", "jane.doe+ai@example.co.uk"),
    ("phone", "+44 20 7946 0958"),
    ("phone", "(415) 555-0132"),
    ("phone", "+33 1 42 68 53 00"),
    ("card", "4111 1111 1111 1111"),
    ("card", "5555-5555-5555-4444"),
    ("card", "378282246310005"),
    ("iban", "DE89 3704 0044 0532 0130 00"),
    ("iban", "GB82WEST12345698765432"),
    ("iban", "FR1420041010050500013M02606"),
    ("ip", "192.168.10.25"),
    ("ip", "2001:db8::8a2e:370:7334"),
    ("national_id", "536-22-1234"),  # US SSN
    ("national_id", "184037645108996"),  # French NIR
    ("national_id", "12345678Z"),  # Spanish DNI
    ("national_id", "X1234567L"),  # Spanish NIE
    ("national_id", "RSSMRA85T10A562S"),  # Italian codice fiscale
    ("secret", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"),
    ("secret", "sk-ant-api03-Zq9xW2vB7nM4kL1pR8sT5uY3"),
    ("secret", "AKIAIOSFODNN7EXAMPLE"),
    ("secret", "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6"),
    ("secret", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
    ("secret", "AIza" + "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
    ("secret", JWT),
    ("secret", "Bearer 8f3kq0Zs91LmPq2Wx7vB4nC6tY1uH5"),
    ("secret", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("secret", PEM),
]


@pytest.mark.parametrize(("kind", "value"), PLANTED, ids=[f"{k}-{v[:18]}" for k, v in PLANTED])
def test_planted_value_is_removed_and_counted(kind: str, value: str) -> None:
    result = scrub(f"Please help, the customer wrote: {value}. Thanks!")
    assert value not in result.text
    assert PLACEHOLDERS[kind] in result.text
    assert result.counts == {kind: 1}
    assert result.text.startswith("Please help, the customer wrote: ")
    assert result.text.endswith(". Thanks!")


# Look-alikes: the right shape but a failed checksum, range or validity check. Kept verbatim.
LOOK_ALIKES = [
    ("card", "4111 1111 1111 1112"),  # Luhn fails
    ("card", "1234567812345678"),  # Luhn fails
    ("card", "0000 0000 0000 0000"),  # passes Luhn, but no issuer starts with 0
    ("iban", "DE88 3704 0044 0532 0130 00"),  # wrong check digits
    ("iban", "GB82WEST12345698765433"),  # mod-97 fails
    ("national_id", "666-12-3456"),  # SSN area 666 is never issued
    ("national_id", "000-12-3456"),  # SSN area 000 is never issued
    ("national_id", "912-34-5678"),  # SSN area 9xx is never issued
    ("national_id", "12345678A"),  # DNI with the wrong letter
    ("national_id", "184037645108997"),  # NIR with the wrong key
    ("national_id", "RSSMRA85T10A562T"),  # codice fiscale with the wrong check letter
    ("ip", "999.10.1.1"),  # octet out of range
    ("ip", "12:30:45"),  # a time, not IPv6
    ("phone", "+1 123 456 7890"),  # no US area code starts with 1
    ("email", "jane at example dot com"),
    ("secret", "sk-short"),
    ("secret", "token = hello_world_value"),  # low entropy: an identifier, not a key
]


@pytest.mark.parametrize(("kind", "value"), LOOK_ALIKES, ids=[f"{k}-{v}" for k, v in LOOK_ALIKES])
def test_look_alike_failing_its_check_is_kept(kind: str, value: str) -> None:
    text = f"Reference {value} from the ticket."
    result = scrub(text)
    assert result.text == text
    assert result.counts == {}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Her BSN is 111222333.", "national_id"),
        ("Steuer-ID: 86095742719", "national_id"),
        ("NHS number 943 476 5919", "national_id"),
    ],
)
def test_digit_only_national_ids_are_removed_after_their_keyword(text: str, kind: str) -> None:
    result = scrub(text)
    assert result.counts == {kind: 1}
    assert PLACEHOLDERS[kind] in result.text
    # The keyword itself stays: the reader still knows what kind of value was there.
    assert result.text.split(" ")[0] == text.split(" ")[0]


@pytest.mark.parametrize(
    "text",
    [
        "Order 111222333 shipped.",  # a valid BSN checksum, but nothing says it is one
        "Her BSN is 111222334.",  # keyword present, checksum fails
        "NHS number 943 476 5918",  # checksum fails
    ],
)
def test_digit_only_national_ids_need_keyword_and_checksum(text: str) -> None:
    assert scrub(text).counts.get("national_id", 0) == 0


def test_cards_and_ibans_are_not_also_counted_as_phones() -> None:
    text = (
        "Charge card 4111 1111 1111 1111 or 5555555555554444, refund to "
        "DE89 3704 0044 0532 0130 00 and GB82 WEST 1234 5698 7654 32."
    )
    result = scrub(text)
    assert result.counts == {"card": 2, "iban": 2}
    assert "phone" not in result.counts
    assert result.text == "Charge card [CARD] or [CARD], refund to [IBAN] and [IBAN]."


@pytest.mark.parametrize("region", ["US", "DE", "FR", "IT", "AU"])
def test_iban_digits_are_not_a_phone_in_any_region(region: str) -> None:
    # In DE, FR, IT and AU "0417 1643 00" alone is a valid phone number: only the fixed
    # order (IBANs before phones) keeps this IBAN from being counted twice.
    result = scrub("Pay NL91 ABNA 0417 1643 00 today", region=region)
    assert result.counts == {"iban": 1}
    assert result.text == "Pay [IBAN] today"


def test_iban_followed_by_a_capitalised_word_is_still_found() -> None:
    result = scrub("IBAN DE89 3704 0044 0532 0130 00 IS the account")
    assert result.text == "IBAN [IBAN] IS the account"


def test_secret_assignments_keep_the_name_and_drop_the_value() -> None:
    text = 'api_key = "Zx9Qw3Er7Ty1Ui5OpAs2Df6Gh" and password: hunter22 and user=alice'
    result = scrub(text)
    assert result.text == 'api_key = "[SECRET]" and password: [SECRET] and user=alice'
    assert result.counts == {"secret": 2}


def test_email_inside_a_secret_is_counted_once() -> None:
    result = scrub("DATABASE_PASSWORD=s3cr3t-jane@example.com")
    assert result.counts == {"secret": 1}


def test_a_realistic_prompt_with_everything() -> None:
    prompt = (
        "Draft a reply to John Smith (john.smith@acme-corp.com, +1 212 736 5000). His card "
        "4012 8888 8888 1881 was charged twice; refund to NL91 ABNA 0417 1643 00. His SSN "
        "536-22-1234 is on file. Our server 10.20.30.40 logs show key AKIAIOSFODNN7EXAMPLE. "
        "Invoice 2024-0042 for 1,250.00 USD, due 15/03/2025; version 1.2.3."
    )
    result = scrub(prompt)
    assert result.counts == {
        "email": 1,
        "phone": 1,
        "card": 1,
        "iban": 1,
        "national_id": 1,
        "ip": 1,
        "secret": 1,
    }
    for value in ("john.smith", "736 5000", "4012", "NL91", "536-22", "10.20.30.40", "AKIA"):
        assert value not in result.text
    # Ordinary numbers survive: invoice numbers, amounts, dates, versions.
    for value in ("Invoice 2024-0042", "1,250.00 USD", "15/03/2025", "version 1.2.3"):
        assert value in result.text


def test_phone_region_decides_numbers_without_country_code() -> None:
    assert scrub("call 030 901820", region="DE").counts == {"phone": 1}
    assert scrub("call 030 901820", region="US").counts == {}


def test_empty_and_clean_text() -> None:
    assert scrub("") == Scrubbed(text="", counts={})
    clean = "Summarise this article about renewable energy in three bullet points."
    assert scrub(clean) == Scrubbed(text=clean, counts={})


def test_placeholders_are_stable_and_rescrubbing_is_a_no_op() -> None:
    once = scrub("mail me at a.b@example.org or call +44 20 7946 0958")
    assert set(PLACEHOLDERS) == set(KINDS)
    twice = scrub(once.text)
    assert twice.text == once.text and twice.counts == {}
    assert once.total == 2


def test_entropy_separates_keys_from_words() -> None:
    assert shannon_entropy("Zx9Qw3Er7Ty1Ui5OpAs2Df6Gh") > 3.5
    assert shannon_entropy("hello_world_value") < 3.5
    assert shannon_entropy("") == 0.0


def test_credential_names_with_prefixes_and_words_that_only_look_like_them() -> None:
    result = scrub("export GITHUB_TOKEN=Qk7pZ2xW9vR4tY8uJ3mN6bC1 ; author: Jonathan Smith")
    assert result.text == "export GITHUB_TOKEN=[SECRET] ; author: Jonathan Smith"


def test_long_texts_are_cut_before_scrubbing() -> None:
    from shadow_ai.scrub import MAX_TEXT_CHARS

    tail = " mail a.b@example.org"
    result = scrub("x" * MAX_TEXT_CHARS + tail)
    assert result.truncated and len(result.text) == MAX_TEXT_CHARS
    assert result.counts == {}  # the email was beyond the limit and is dropped, not kept
    assert not scrub("short text").truncated


@pytest.mark.parametrize("text", ["1." * 40_000, "1 " * 40_000, "ab:" * 20_000, "a@" * 20_000])
def test_long_runs_of_symbols_pass_through_unchanged(text: str) -> None:
    # Guards against patterns that backtrack on long runs (each kind scans the whole text).
    assert scrub(text).text == text
