"""The IAM condition-operator grammar and IAM's value formats (dates, numbers, booleans, IPs)."""
from __future__ import annotations

from .caching import lru_cache
from .records import NamedTuple



# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
OPERATORS = (
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
    "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
    "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
    "Null",
)
SET_QUALIFIERS = ("ForAnyValue:", "ForAllValues:")
IF_EXISTS = "IfExists"

# Java's Long range in milliseconds, which bounds the years IAM accepts.
_MIN_YEAR, _MAX_YEAR = -292275054, 292278993
_MAX_EPOCH = 2**63 - 1


class Operator(NamedTuple):
    text: str
    qualifier: str | None  # "ForAnyValue:" / "ForAllValues:"
    base: str  # without qualifier and IfExists, as written
    if_exists: bool

    @property
    def known(self) -> bool:
        return self.base in _KNOWN

    @property
    def family(self) -> str:
        """String, Numeric, Date, Bool, Binary, Ip, Arn or Null."""
        return _family(self.base)


_KNOWN = frozenset(OPERATORS)


@lru_cache(maxsize=512)
def _family(base: str) -> str:
    # Asked for every condition by several rules, of the few operators policies use.
    for family in ("String", "Numeric", "Date", "Bool", "Binary", "Arn", "Null"):
        if base.startswith(family):
            return family
    return "Ip" if base.endswith("IpAddress") else ""


def well_formed_key(key: str) -> bool:
    """A condition key as IAM accepts it: ``prefix:name``, both parts present, no whitespace."""
    prefix, colon, rest = key.partition(":")
    # str.split() cuts at exactly the characters str.isspace() accepts: a key without any
    # comes back whole, in one C pass.
    return bool(colon and prefix and rest) and key.split() == [key]


def parse_operator(text: str) -> Operator:
    qualifier = next((q for q in SET_QUALIFIERS if text.startswith(q)), None)
    rest = text[len(qualifier):] if qualifier else text
    if_exists = rest.endswith(IF_EXISTS) and rest != IF_EXISTS
    base = rest[: -len(IF_EXISTS)] if if_exists else rest
    return Operator(text, qualifier, base, if_exists)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _in_range(text: str, low: int, high: int, width: int | None = None) -> bool:
    if not _digits(text) or (width is not None and len(text) != width):
        return False
    return low <= int(text) <= high


def is_iam_date(text: object) -> bool:
    """Whether IAM accepts ``text`` as a date: an ISO 8601 date-time or epoch seconds."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        return False
    lowered = str(text).lower()  # a JSON number is epoch seconds as IAM reads it
    if "t" not in lowered and "-" not in lowered:
        return _in_range(lowered, 0, _MAX_EPOCH)
    date, _, time = lowered.partition("t")
    negative = date.startswith("-")
    parts = (date[1:] if negative else date).split("-")
    if len(parts) > 3 or not _digits(parts[0]):
        return False
    year = -int(parts[0]) if negative else int(parts[0])
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return False
    if len(parts) > 1 and not _in_range(parts[1], 1, 12):
        return False
    if len(parts) > 2 and not _in_range(parts[2], 1, 31):
        return False
    return _is_iam_time(time)


def _is_iam_time(time: str) -> bool:
    if not time:
        return True
    clock, zone = _split_zone(time)
    if zone is None:
        return False
    fields = clock.split(":")
    if len(fields) > 3 or not _in_range(fields[0], 0, 23):
        return False
    if len(fields) > 1 and not _in_range(fields[1], 0, 59):
        return False
    if len(fields) > 2:
        seconds, dot, fraction = fields[2].partition(".")
        if not _in_range(seconds, 0, 59):
            return False
        if dot and not (_digits(fraction) and len(fraction) <= 9):
            return False
    return True


def _split_zone(time: str) -> tuple[str, str | None]:
    """Split 'hh:mm:ss[.f]' from its zone ('z', '+hh', '+hh:mm', '-hh:mm'); None if malformed."""
    if time.endswith("z"):
        return time[:-1], "z"
    for sign in "+-":
        if sign in time:
            clock, _, zone = time.partition(sign)
            hours, colon, minutes = zone.partition(":")
            if not _in_range(hours, 0, 23, width=2):
                return clock, None
            if colon and not _in_range(minutes, 0, 59, width=2):
                return clock, None
            return clock, zone
    return time, ""


def is_iam_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        number = float(str(value))
    except ValueError:
        return False
    return number == number and number not in (float("inf"), float("-inf"))


def is_iam_bool(value: object) -> bool:
    return isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false"))


def is_ip_or_cidr(value: object) -> bool:
    import ipaddress

    if not isinstance(value, str):
        return False
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True
