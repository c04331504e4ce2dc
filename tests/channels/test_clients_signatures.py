"""Webhook signatures, checked against vectors computed outside our code."""

from __future__ import annotations

from congdong.channels.signatures import (
    facebook_signature,
    facebook_signature_ok,
    zalo_signature,
    zalo_signature_ok,
)

# RFC 4231, test case 2: HMAC-SHA256 with key "Jefe".
RFC4231_BODY = b"what do ya want for nothing?"
RFC4231_HMAC = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
# `printf '%s' '<oa_id><body><timestamp><secret>' | sha256sum`
ZALO_OA = "579745863508352884"
ZALO_BODY = b'{"event_name":"user_send_text","timestamp":"1733550000000"}'
ZALO_TIMESTAMP = "1733550000000"
ZALO_SECRET = "oa-secret"
ZALO_SIGNATURE = "c2160a928c5c0021e58c25dd029bb9f3e3114cf5107dba2a0c433e66608c733b"


def test_facebook_signature_is_hmac_sha256_with_the_app_secret():
    assert facebook_signature("Jefe", RFC4231_BODY) == f"sha256={RFC4231_HMAC}"


def test_facebook_signature_ok_accepts_the_right_header_only():
    header = f"sha256={RFC4231_HMAC}"
    assert facebook_signature_ok("Jefe", RFC4231_BODY, header)
    assert not facebook_signature_ok("Jefe", RFC4231_BODY + b" ", header)
    assert not facebook_signature_ok("other", RFC4231_BODY, header)
    assert not facebook_signature_ok("Jefe", RFC4231_BODY, RFC4231_HMAC)  # no "sha256=" prefix
    assert not facebook_signature_ok("Jefe", RFC4231_BODY, None)
    assert not facebook_signature_ok("", RFC4231_BODY, header)


def test_zalo_signature_is_sha256_of_oa_body_timestamp_secret():
    assert zalo_signature(ZALO_OA, ZALO_BODY, ZALO_TIMESTAMP, ZALO_SECRET) == ZALO_SIGNATURE


def test_zalo_signature_ok_accepts_the_right_header_only():
    ok = zalo_signature_ok
    assert ok(ZALO_OA, ZALO_BODY, ZALO_TIMESTAMP, ZALO_SECRET, ZALO_SIGNATURE)
    assert ok(ZALO_OA, ZALO_BODY, ZALO_TIMESTAMP, ZALO_SECRET, f"mac={ZALO_SIGNATURE.upper()}")
    assert not ok(ZALO_OA, ZALO_BODY, "1733550000001", ZALO_SECRET, ZALO_SIGNATURE)
    assert not ok("579745863508352885", ZALO_BODY, ZALO_TIMESTAMP, ZALO_SECRET, ZALO_SIGNATURE)
    assert not ok(ZALO_OA, ZALO_BODY, ZALO_TIMESTAMP, "other", ZALO_SIGNATURE)
    assert not ok(ZALO_OA, ZALO_BODY, ZALO_TIMESTAMP, ZALO_SECRET, None)
    assert not ok(ZALO_OA, ZALO_BODY, ZALO_TIMESTAMP, "", ZALO_SIGNATURE)
