"""records.Record gives the semantics of a frozen dataclass for the features it accepts."""
from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import ClassVar

import pytest

from amplify_policy_lint.records import FrozenInstanceError, NamedTuple, Record, field, replace


class Point(Record):
    x: int
    y: int = 0
    note: str = field(default="", compare=False)
    tags: list = field(default_factory=list, repr=False, compare=False)
    LIMIT: ClassVar[int] = 3

    @property
    def total(self) -> int:
        return self.x + self.y


@dataclasses.dataclass(frozen=True, slots=True)
class Reference:
    x: int
    y: int = 0
    note: str = dataclasses.field(default="", compare=False)
    tags: list = dataclasses.field(default_factory=list, repr=False, compare=False)


class Box(Record, eq=False, slots=False):
    content: object


def test_construction_defaults_and_factories_behave_as_a_dataclass():
    for cls in (Point, Reference):
        first, second = cls(1), cls(1)
        assert (first.x, first.y, first.note, first.tags) == (1, 0, "", [])
        assert first.tags is not second.tags
        assert cls(2, 3, "n", [1]).tags == [1]
        with pytest.raises(TypeError):
            cls()  # a field without a default is required
        with pytest.raises(TypeError):
            cls(1, z=2)


def test_equality_and_hash_use_only_compared_fields():
    assert Point(1, 2, "a") == Point(1, 2, "b")
    assert hash(Point(1, 2, "a")) == hash(Point(1, 2, "b"))
    assert Point(1, 2) != Point(2, 1)
    assert Point(1) != Reference(1)  # another class is never equal, as with dataclasses
    assert Point(1).__eq__((1, 0)) is NotImplemented


def test_repr_matches_the_dataclass_form():
    assert repr(Point(1, 2, "n")) == "Point(x=1, y=2, note='n')"
    assert repr(Reference(1, 2, "n")) == "Reference(x=1, y=2, note='n')"


def test_frozen_and_slotted():
    point = Point(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2
    with pytest.raises(FrozenInstanceError):
        del point.x
    assert isinstance(FrozenInstanceError("x"), AttributeError)
    assert not hasattr(point, "__dict__")
    assert Point.LIMIT == 3 and "LIMIT" not in Point.__slots__
    assert point.total == 1


def test_pickle_copy_and_replace():
    point = Point(1, 2, "n", [3])
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(point, protocol)) == point
    assert copy.deepcopy(point) == point and copy.copy(point) == point
    assert replace(point, y=5) == Point(1, 5) and replace(point, y=5).tags == [3]
    with pytest.raises(TypeError):
        replace(point, z=1)


def test_identity_records_compare_by_identity():
    first, second = Box([1]), Box([1])
    assert first != second and first == first
    assert len({first, second}) == 2


def test_mistakes_are_refused():
    with pytest.raises(TypeError):
        class Wrong(Record):
            a: int = 1
            b: int

    with pytest.raises(ValueError):
        field(default=1, default_factory=list)

    with pytest.raises(TypeError):
        class Child(Point, Record):
            z: int = 0


def test_named_tuple_is_the_namedtuple_typing_would_build():
    from typing import NamedTuple as TypingNamedTuple

    class Ours(NamedTuple):
        """A pair."""

        a: int
        b: str = "x"

        def both(self) -> str:
            return f"{self.a}{self.b}"

    class Theirs(TypingNamedTuple):
        a: int
        b: str = "x"

    assert Ours(1) == Theirs(1) == (1, "x") and Ours(1, "y").both() == "1y"
    assert Ours._fields == Theirs._fields and Ours._field_defaults == Theirs._field_defaults
    assert Ours(2)._replace(b="z") == (2, "z") and repr(Ours(1)) == "Ours(a=1, b='x')"
    assert Ours.__doc__ == "A pair." and not hasattr(Ours(1), "__dict__")
    a, b = Ours(3)
    assert (a, b) == (3, "x")
    with pytest.raises(TypeError):
        class Wrong(NamedTuple):
            a: int = 1
            b: int


def test_choices_behave_as_the_enum_they_replace():
    import copy
    import enum
    import pickle

    from amplify_policy_lint.model import Severity
    from amplify_policy_lint.records import Choices, FrozenInstanceError

    class Theirs(enum.Enum):
        INFO = "info"
        WARNING = "warning"
        ERROR = "error"

    assert [(m.name, m.value) for m in Severity] == [(m.name, m.value) for m in Theirs]
    assert len(Severity) == len(Theirs) == 3
    assert Severity("error") is Severity.ERROR and Severity["WARNING"] is Severity.WARNING
    assert repr(Severity.ERROR) == repr(Theirs.ERROR).replace("Theirs", "Severity")
    assert str(Severity.INFO) == "Severity.INFO" and f"{Severity.INFO}" == "Severity.INFO"
    assert hash(Severity.INFO) == hash("INFO") and Severity.INFO != "info"
    assert pickle.loads(pickle.dumps(Severity.WARNING)) is Severity.WARNING
    assert copy.deepcopy(Severity.ERROR) is Severity.ERROR and copy.copy(Severity.INFO) is Severity.INFO
    assert Severity.ERROR.rank > Severity.INFO.rank and Severity.parse(" Error ") is Severity.ERROR
    with pytest.raises(ValueError, match="is not a valid Severity"):
        Severity("fatal")
    with pytest.raises(ValueError):
        Severity(["unhashable"])
    with pytest.raises(KeyError):
        Severity["FATAL"]
    with pytest.raises(FrozenInstanceError):
        Severity.ERROR.value = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Severity.ERROR = Severity.INFO  # type: ignore[misc]
    with pytest.raises(TypeError):
        class Twice(Choices):
            A = "a"
            B = "a"


def test_a_keyword_field_name_made_outside_a_class_body_is_refused():
    # A class body cannot annotate a keyword; annotations written by hand fail when the
    # constructor is written (on first use), as namedtuple would refuse them.
    for base in (Record, NamedTuple):
        made = type(base)("Odd", (base,), {"__annotations__": {"ok": "int", "class": "int"}})
        with pytest.raises(SyntaxError):
            made(1, 2)


def test_the_class_statement_makes_the_class_once():
    # The metaclass builds the final class from the statement's namespace: no class is made
    # first and thrown away, the base is not kept, and the __class__ cell (super()) is the
    # class made.
    class Loud(Record):
        level: int

        def __repr__(self) -> str:
            return "loud " + super().__repr__()

        def own(self) -> type:
            return __class__

    assert type(Loud) is type and Record not in Loud.__mro__ and Loud.__qualname__.endswith("<locals>.Loud")
    assert Loud(1).own() is Loud and repr(Loud(1)).startswith("loud <")

    class Pair(NamedTuple):
        a: int

        def own(self) -> type:
            return __class__

    assert type(Pair) is type and Pair.__mro__ == (Pair, tuple, object) and Pair(1).own() is Pair
    with pytest.raises(TypeError):
        class Mixed(NamedTuple, Point):
            a: int
