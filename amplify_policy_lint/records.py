"""Frozen value classes without the start-up cost of ``dataclasses``.

The pipeline's values (spans, findings, statements, documents) are frozen dataclasses in
spirit: built once, compared by value, never changed. The standard ``dataclasses`` module
imports ``inspect`` (and with it ``ast``, ``dis``, ``tokenize``), which on its own costs about
as much as starting the interpreter: more than everything else a pre-commit run on one small
policy needs (measured with ``valgrind --tool=callgrind``: ``import dataclasses`` runs
72 million instructions, ``python -c pass`` 38 million). ``Record`` writes the same methods
for the subset of features this package uses, and refuses anything else, so that a class
never silently gets other semantics than a dataclass would give it.

    class Span(Record):
        line: int
        column: int = 1
        note: str = field(default="", compare=False)

``Choices`` does the same for ``enum.Enum``: creating an Enum class runs about half a million
instructions (``EnumType.__new__``), and the pipeline has eight of them on its start-up path.

``Record`` takes ``frozen`` (default True), ``slots`` (default True) and ``eq`` (default
True; with ``eq=False`` instances compare and hash by identity, as a dataclass's do) as class
keywords: ``class Box(Record, slots=False, eq=False)``. Fields are the class's own
annotations, in order; ``ClassVar`` annotations are not fields.

``Record`` and ``NamedTuple`` are written as base classes rather than decorators, as
``typing.NamedTuple`` is, for the same reason: their metaclass builds the class from the class
statement's namespace, once. A decorator receives a class already made, and has to make it
again to give it slots or a tuple base; the class made first is thrown away, and making one
costs as many instructions as a record's other set-up (some 70 thousand; a run on one small
policy defines 43 of them). Neither base stays among the class's bases: the class made is a
plain class (``isinstance(x, Record)`` is False).
"""
from __future__ import annotations


__all__ = ["Choices", "FrozenInstanceError", "NamedTuple", "Record", "field", "replace"]

_MISSING = object()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (the name and meaning of dataclasses')."""


class _Field:
    __slots__ = ("name", "default", "factory", "compare", "repr")

    def __init__(self, default: object = _MISSING, factory: object = _MISSING, compare: bool = True,
                 repr: bool = True) -> None:
        self.name = ""
        self.default, self.factory, self.compare, self.repr = default, factory, compare, repr


def field(*, default: object = _MISSING, default_factory: object = _MISSING, compare: bool = True,
          repr: bool = True) -> object:
    """A field with options: a default, a factory for a mutable default, left out of
    equality and hashing (``compare=False``), or out of the repr."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("a field takes a default or a default_factory, not both")
    return _Field(default, default_factory, compare, repr)


class _RecordType(type):
    def __new__(mcls, name: str, bases: tuple, namespace: dict, /, **options: bool):
        if not bases:  # Record itself
            return super().__new__(mcls, name, bases, namespace)
        return _build(name, tuple(base for base in bases if base is not Record), namespace, **options)


class Record(metaclass=_RecordType):
    """Base of a record class: ``__init__``, ``__repr__``, ``__eq__``/``__hash__`` (with
    ``eq``), assignment refused (with ``frozen``), ``__slots__`` (with ``slots``)."""

    __slots__ = ()


def replace(instance: object, **changes: object) -> object:
    """A copy of ``instance`` with some fields changed (``dataclasses.replace``)."""
    values = {f.name: getattr(instance, f.name) for f in instance.__record_fields__}  # type: ignore[attr-defined]
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return type(instance)(**values)


def _build(class_name: str, bases: tuple, body: dict, *, frozen: bool = True, slots: bool = True,
           eq: bool = True) -> type:
    if any(hasattr(base, "__record_fields__") for base in bases):
        raise TypeError(f"{class_name}: a record cannot extend another record")
    fields = []
    for name, annotation in body.get("__annotations__", {}).items():
        if isinstance(annotation, str) and annotation.replace("typing.", "").startswith("ClassVar"):
            continue
        value = body.get(name, _MISSING)
        spec = value if isinstance(value, _Field) else _Field(default=value)
        spec.name = name
        fields.append(spec)
    seen_default = False
    for spec in fields:
        has_default = spec.default is not _MISSING or spec.factory is not _MISSING
        if seen_default and not has_default:
            raise TypeError(f"{class_name}: field {spec.name!r} without a default follows one with a default")
        seen_default = seen_default or has_default

    namespace = {key: value for key, value in body.items() if not isinstance(value, _Field)}
    if slots:
        if "__slots__" in namespace:
            raise TypeError(f"{class_name}: Record with slots writes __slots__ itself")
        for spec in fields:
            namespace.pop(spec.name, None)  # a default lives in __init__, not beside the slot
        namespace["__slots__"] = tuple(spec.name for spec in fields)
    names = tuple(spec.name for spec in fields)
    compared = tuple(spec.name for spec in fields if spec.compare)

    for written in ("__init__", "__setattr__", "__delattr__"):
        if written in namespace and (written == "__init__" or frozen):
            raise TypeError(f"{class_name}: a record writes {written} itself")
    # (``built``, the class made below, is looked up when __init__ is first written.)
    namespace["__init__"] = _lazy(lambda: _init(class_name, fields, frozen, built if slots else None), "__init__")
    namespace["__record_fields__"] = tuple(fields)
    if "__repr__" not in namespace:
        namespace["__repr__"] = _repr(tuple(spec.name for spec in fields if spec.repr))
    if eq:
        if "__eq__" not in namespace:
            namespace["__eq__"] = _eq(compared)
        if namespace.get("__hash__") is None:
            namespace["__hash__"] = _hash(compared) if frozen else None
    if frozen:
        namespace["__setattr__"] = _refuse_assignment
        namespace["__delattr__"] = _refuse_deletion
        if slots:
            # pickle (--jobs sends findings between processes) restores slots by setattr,
            # which a frozen class refuses: hand it the values to set directly.
            namespace["__getstate__"], namespace["__setstate__"] = _state(names)
    built = type(class_name, bases, namespace)
    built.__init__.owner = built
    return built


def _lazy(write, name: str):
    """A stand-in for a generated method: on its first call it writes the real one (``exec``,
    about a tenth of a millisecond per class), puts it on the class and calls it. A run on one
    small policy builds instances of a third of the package's classes, so the others never pay
    for their constructor's compilation."""

    def stand_in(first, *args, **kwargs):
        real = write()
        setattr(stand_in.owner, name, staticmethod(real) if name == "__new__" else real)
        return real(first, *args, **kwargs)

    stand_in.__name__ = name
    return stand_in


def _init(class_name: str, fields: list[_Field], frozen: bool, slotted: type | None = None):
    """A frozen class's __init__ sets each field past its refusing __setattr__: through the
    slot's own descriptor when it has slots (a quarter cheaper than object.__setattr__, which
    looks the name up first: hundreds of thousands of statements and entries are built on a
    large run), else object.__setattr__."""
    arguments, body, namespace = [], [], {"_MISSING": _MISSING, "_set": object.__setattr__}
    for spec in fields:
        name = spec.name
        # A keyword cannot be annotated in a class body; a name from elsewhere would fail to
        # compile below (keyword.iskeyword would import a module more at start-up).
        if not name.isidentifier():
            raise TypeError(f"{class_name}: {name!r} cannot be a field name")
        if spec.factory is not _MISSING:
            namespace[f"_factory_{name}"] = spec.factory
            arguments.append(f"{name}=_MISSING")
            value = f"_factory_{name}() if {name} is _MISSING else {name}"
        elif spec.default is not _MISSING:
            namespace[f"_default_{name}"] = spec.default
            arguments.append(f"{name}=_default_{name}")
            value = name
        else:
            arguments.append(name)
            value = name
        if not frozen:
            body.append(f"    self.{name} = {value}")
        elif slotted is not None:
            namespace[f"_set_{name}"] = slotted.__dict__[name].__set__
            body.append(f"    _set_{name}(self, {value})")
        else:
            body.append(f"    _set(self, {name!r}, {value})")
    source = f"def __init__(self, {', '.join(arguments)}):\n" + ("\n".join(body) or "    pass") + "\n"
    return _write(source, namespace, f"{class_name}.__init__")


def _write(source: str, namespace: dict, qualname: str):
    """The function ``source`` defines. Written out like this (as dataclasses and namedtuple
    do), a constructor is as fast as a hand-written one: the pipeline builds hundreds of
    thousands of these values on a large input."""
    exec(source, namespace)  # noqa: S102 - the text holds only the class's own field names
    function = namespace[qualname.rpartition(".")[2]]
    function.__qualname__ = qualname
    return function


def _state(names: tuple[str, ...]):
    def __getstate__(self) -> tuple:
        return tuple(getattr(self, name) for name in names)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(names, state):
            object.__setattr__(self, name, value)

    return __getstate__, __setstate__


def _repr(names: tuple[str, ...]):
    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({inner})"

    return __repr__


def _fields_getter(names: tuple[str, ...]):
    """A function of an instance giving its fields ``names``, all read in C (attrgetter): a
    tuple, or the value itself for one name (either compares and hashes alike for a class)."""
    return _attrgetter(*names) if names else _no_fields


def _no_fields(instance: object) -> tuple:
    return ()


def _eq(names: tuple[str, ...]):
    fields_of = _fields_getter(names)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return fields_of(self) == fields_of(other)

    return __eq__


def _hash(names: tuple[str, ...]):
    fields_of = _fields_getter(names)

    def __hash__(self) -> int:
        return hash(fields_of(self))

    return __hash__


try:
    from _operator import attrgetter as _attrgetter  # the C function operator.attrgetter is
except ImportError:  # pragma: no cover - other interpreters
    from operator import attrgetter as _attrgetter


def _refuse_assignment(self, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


class _NamedTupleType(type):
    def __new__(mcls, name: str, bases: tuple, namespace: dict, /):
        if not bases:  # NamedTuple itself
            return super().__new__(mcls, name, bases, namespace)
        if bases != (NamedTuple,):
            raise TypeError(f"{name}: a NamedTuple has no other base")
        return _named_tuple(name, namespace)


class NamedTuple(metaclass=_NamedTupleType):
    """Base of ``class X(NamedTuple)`` as ``typing`` has it, without importing typing, and
    cheaper to define than ``collections.namedtuple`` (which compiles ``__new__`` at once,
    about 0.15 ms a class): a tuple subclass with the same fields, defaults, ``_fields``,
    ``_field_defaults``, ``_make``, ``_replace``, ``_asdict``, repr and pickling, the class's
    methods and docstring kept. ``__new__`` is written on first use, as a record's
    ``__init__`` is."""


def _named_tuple(class_name: str, body: dict) -> type:
    names, defaults = [], {}
    for name in body.get("__annotations__", {}):
        if name.startswith("_") or not name.isidentifier():  # no keyword: see _init
            raise TypeError(f"{class_name}: {name!r} cannot be a field name")
        names.append(name)
        if name in body:
            defaults[name] = body[name]
        elif defaults:
            raise TypeError(f"{class_name}: field {name!r} without a default follows one with a default")
    fields = tuple(names)
    namespace = {key: value for key, value in body.items() if key not in fields}
    namespace.update(_tuple_methods(class_name, fields))
    namespace["__slots__"] = ()
    namespace["_fields"], namespace["_field_defaults"] = fields, defaults
    namespace["__match_args__"] = fields
    namespace["__new__"] = _lazy(lambda: _tuple_new(class_name, fields, defaults), "__new__")
    for index, name in enumerate(fields):
        namespace[name] = _tuplegetter(index, f"Alias for field number {index}")
    built = type(class_name, (tuple,), namespace)
    built.__new__.owner = built
    return built


try:
    from _collections import _tuplegetter  # what collections.namedtuple uses: a C descriptor
except ImportError:  # pragma: no cover - other interpreters
    from operator import itemgetter as _itemgetter

    def _tuplegetter(index: int, doc: str) -> property:
        return property(_itemgetter(index), doc=doc)


def _tuple_new(class_name: str, fields: tuple[str, ...], defaults: dict):
    namespace = {"_tuple_new": tuple.__new__}
    arguments = []
    for name in fields:
        if name in defaults:
            namespace[f"_default_{name}"] = defaults[name]
            arguments.append(f"{name}=_default_{name}")
        else:
            arguments.append(name)
    packed = f"({', '.join(fields)}{',' if len(fields) == 1 else ''})"
    source = f"def __new__(_cls, {', '.join(arguments)}):\n    return _tuple_new(_cls, {packed})\n"
    return _write(source, namespace, f"{class_name}.__new__")


def _tuple_methods(class_name: str, fields: tuple[str, ...]) -> dict:
    count = len(fields)

    @classmethod
    def _make(cls, iterable):
        made = tuple.__new__(cls, iterable)
        if len(made) != count:
            raise TypeError(f"expected {count} arguments, got {len(made)}")
        return made

    def _replace(self, /, **changes):
        made = self._make(map(changes.pop, fields, self))
        if changes:
            raise ValueError(f"got unexpected field names: {list(changes)!r}")
        return made

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in zip(fields, self))
        return f"{self.__class__.__name__}({inner})"

    def _asdict(self) -> dict:
        return dict(zip(fields, self))

    def __getnewargs__(self) -> tuple:
        return tuple(self)

    return {"_make": _make, "_replace": _replace, "__repr__": __repr__, "_asdict": _asdict,
            "__getnewargs__": __getnewargs__}


class _ChoicesType(type):
    """The class of a ``Choices`` class: as with ``enum``, iterating the class gives its members
    in order, ``len`` counts them, calling it with a value gives the member of that value
    (``Severity("error")``, a ValueError for any other) and indexing it by name gives a member."""

    def __iter__(cls):
        return iter(cls._members_)

    def __len__(cls) -> int:
        return len(cls._members_)

    def __call__(cls, value: object):
        try:
            return cls._by_value_[value]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not a valid {cls.__qualname__}") from None

    def __getitem__(cls, name: str):
        return cls._by_name_[name]

    def __setattr__(cls, name: str, value: object) -> None:
        if name in cls.__dict__.get("_by_name_", ()):
            raise AttributeError(f"cannot reassign member {name!r}")
        super().__setattr__(name, value)


class Choices(metaclass=_ChoicesType):
    """A fixed set of named values, as ``enum.Enum`` gives them: each upper-case class attribute
    holding a string becomes a member with that ``name`` and ``value``. Members are compared by
    identity, hash by name, travel between processes as their value, print as enum members
    do, and are frozen; the class's methods and properties are theirs. Only what this package
    uses of ``enum`` (no aliases, no ``auto``, no mixins)."""

    __slots__ = ("name", "value")

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        members = []
        for name, value in list(cls.__dict__.items()):
            if not (name.isupper() and not name.startswith("_") and isinstance(value, str)):
                continue
            if any(value == member.value for member in members):
                raise TypeError(f"{cls.__name__}: {name} repeats the value {value!r}")
            member = object.__new__(cls)
            object.__setattr__(member, "name", name)
            object.__setattr__(member, "value", value)
            type.__setattr__(cls, name, member)
            members.append(member)
        type.__setattr__(cls, "_members_", tuple(members))
        type.__setattr__(cls, "_by_value_", {member.value: member for member in members})
        type.__setattr__(cls, "_by_name_", {member.name: member for member in members})

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to {name!r} of a {type(self).__name__} member")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete {name!r} of a {type(self).__name__} member")

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self):
        return type(self), (self.value,)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo: dict):
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self.name}: {self.value!r}>"

    def __str__(self) -> str:
        return f"{type(self).__name__}.{self.name}"
