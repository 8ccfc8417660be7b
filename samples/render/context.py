"""What a layout function works with: the spec, the rng, the vocabulary, the fields still to
print (with the labels chosen for this document) and the document's fonts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from samples.render.fonts import MONO, SANS, SERIF
from samples.render.ops import Font
from samples.render.values import format_field
from samples.render.vocab import Vocabulary, vocabulary
from samples.spec import FIELD_NAMES, DocSpec


@dataclass(frozen=True)
class Theme:
    """The document's typefaces and body size (points)."""

    family: str
    size: float
    head_family: str

    @property
    def regular(self) -> Font:
        return Font(self.family)

    @property
    def bold(self) -> Font:
        return Font(self.family, bold=True)

    @property
    def italic(self) -> Font:
        return Font(self.family, italic=True)

    @property
    def head(self) -> Font:
        return Font(self.head_family, bold=True)


def pick_theme(rng: random.Random, kind: str = "any", size: tuple[float, float] = (9.5, 11.0)
               ) -> Theme:
    pools = {"sans": SANS, "serif": SERIF, "mono": MONO, "any": SANS + SERIF}
    family = rng.choice(pools[kind])
    head = family if kind == "mono" or rng.random() < 0.6 else rng.choice(SANS + SERIF)
    body = round(rng.uniform(*size) * 2) / 2
    return Theme(family, body, head)


class FieldSet:
    """The fields of a spec with the label this document prints for each. `take` hands a field
    out once; `rest` returns those no layout slot printed yet, so that every field is printed."""

    def __init__(self, spec: DocSpec, vocab: Vocabulary, rng: random.Random):
        self.spec = spec
        self.labels: dict[str, str] = {}
        for name in [*FIELD_NAMES, *sorted(set(spec.fields) - set(FIELD_NAMES))]:
            if name in spec.fields:
                options = (vocab.field_labels(spec.doc_type, name) if name in FIELD_NAMES
                           else [name.replace("_", " ").capitalize()])
                self.labels[name] = rng.choice(options)
        self.used: set[str] = set()

    def has(self, name: str) -> bool:
        return name in self.spec.fields

    def value(self, name: str) -> str:
        return format_field(name, self.spec.fields[name], self.spec.style)

    def label(self, name: str) -> str:
        return self.labels[name]

    def take(self, name: str) -> tuple[str, str] | None:
        if name not in self.spec.fields or name in self.used:
            return None
        self.used.add(name)
        return self.labels[name], self.value(name)

    def take_all(self, names: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
        return [pair for name in names if (pair := self.take(name)) is not None]

    def rest(self) -> list[tuple[str, str]]:
        return self.take_all(list(self.labels))


class Doc:
    def __init__(self, spec: DocSpec, rng: random.Random):
        self.spec = spec
        self.rng = rng
        self.vocab = vocabulary()
        self.fields = FieldSet(spec, self.vocab, rng)

    @property
    def extras(self) -> dict[str, str]:
        return self.spec.extras

    def title(self, key: str | None = None) -> str:
        """extras["title"] when the planner chose one, else a title from labels.toml."""
        choice = self.rng.choice(self.vocab.titles(key or self.spec.doc_type))
        return self.extras.get("title") or choice

    def pick(self, section: str, key: str) -> str:
        return self.vocab.pick(self.rng, section, key)

    def text(self, *path: str) -> str:
        """A random entry of a list in texts.toml."""
        return str(self.rng.choice(self.vocab.text(*path)))

    def ordered(self, names: list[str], jitter: float = 0.3) -> list[str]:
        """`names` with a few neighbours swapped: issuers order the same fields differently."""
        out = list(names)
        for i in range(len(out) - 1):
            if self.rng.random() < jitter:
                out[i], out[i + 1] = out[i + 1], out[i]
        return out
