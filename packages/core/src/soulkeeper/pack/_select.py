"""Choosing what fits: one greedy pass in a fixed order, with at most one sentence-boundary cut.

The decisions, in order, each taken iff the packed text would stay within the budget:

1. everything, whole;
2. per stage (a budgeted tier, where stories and anecdotes count one tier later than their file): the
   whole stage; otherwise per file of the tier, in the order the tier lists it, the whole file (but its
   stories); otherwise its sections in rank order (class, then position), skipping those that do not
   fit; then the stories demoted from the tier before. The first section that does not fit whole and
   can be cut (class 0-3: rules, principles, voice, unclassified; examples and stories are kept whole
   or not at all) is cut after its last sentence that fits, if at least one sentence past its heading
   fits.

Every test compares a budget-independent cost of a candidate state with the budget, and a cut keeps the
most sentences that fit, so for two budgets the first decision that differs is a "yes" (or a longer
cut) for the larger one. Sections are ranked in decision order (stage, file, class, position), so the
first section in rank order that two budgets treat differently is kept, or kept longer, by the larger
one: a larger budget never keeps less of what ranks first. Costs are the pieces' own counts plus
joiners plus the exact markers; the caller counts the final text and repairs the rare case where the
tokenizer merges across a joiner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from soulkeeper.pack._plan import JOINER, Fixed, Plan, PlanFile, Unit
from soulkeeper.pack._priority import UNMATCHED
from soulkeeper.pack._sentences import sentence_prefixes
from soulkeeper.pack._types import Status

__all__ = ["Cut", "Selection", "closing_marker", "heading_label", "partial_marker", "render", "select"]

_MAX_LISTED = 3
MAX_CUT_CLASS = UNMATCHED
"""Sections of a higher class (examples, stories) are never cut: half an anecdote is worth nothing."""


def heading_label(heading: str) -> str:
    """A section heading as reports quote it (``(intro)`` for the text before the first heading)."""
    return heading or "(intro)"


def _quoted(headings: list[str], limit: int = _MAX_LISTED) -> str:
    shown = ", ".join(f"'{heading_label(h)}'" for h in headings[:limit])
    more = len(headings) - limit
    return f"{shown} and {more} more" if more > 0 else shown


def partial_marker(path: str, left: list[str], cut: str | None) -> str:
    """The marker after a file some of whose sections were left out or cut short."""
    parts: list[str] = []
    if cut is not None:
        parts.append(f"'{heading_label(cut)}' cut short")
    if left:
        noun = "section" if len(left) == 1 else "sections"
        parts.append(f"{len(left)} {noun} left out: {_quoted(left)}")
    return f"[… {path}: {'; '.join(parts)} (persona shortened to fit the context)]"


def closing_marker(paths: list[str]) -> str:
    """The last line, naming the files left out entirely."""
    shown = ", ".join(paths[:6])
    if len(paths) > 6:
        shown += f" and {len(paths) - 6} more"
    return f"[… left out to fit the context: {shown}]"


@dataclass(frozen=True, slots=True)
class Cut:
    """A section packed only up to a sentence boundary."""

    rank: int
    text: str
    tokens: int


@dataclass(frozen=True, slots=True)
class Selection:
    """What a budget keeps: unit ranks kept whole, and at most one cut section."""

    kept: frozenset[int]
    cut: Cut | None
    cost: int
    """The planned cost of the packed text (an upper bound in practice; the caller counts the text)."""


class _State:
    """The committed selection's per-file costs, so a candidate only recounts the files it changes."""

    __slots__ = ("costs", "fixed_pieces", "fixed_tokens", "plan")

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        fixed = plan.fixed
        self.fixed_tokens = sum(f.tokens for f in fixed)
        self.fixed_pieces = len(fixed)
        self.costs: list[tuple[int, int]] = [(0, 0)] * len(plan.files)

    def file_cost(self, pf: PlanFile, kept: set[int], cut: Cut | None) -> tuple[int, int]:
        """(tokens, pieces) of one file's part of the text; (0, 0) when it is left out entirely."""
        tokens = pieces = 0
        left: list[str] = []
        cut_heading: str | None = None
        for unit in pf.units:
            if unit.rank in kept:
                tokens += unit.tokens
                pieces += 1
            elif cut is not None and cut.rank == unit.rank:
                tokens += cut.tokens
                pieces += 1
                cut_heading = unit.heading
            else:
                left.append(unit.heading)
        if pieces == 0:
            return 0, 0
        if left or cut_heading is not None:
            tokens += self.plan.count_memo(partial_marker(pf.path, left, cut_heading))
            pieces += 1
        return tokens, pieces

    def candidate(
        self, kept: set[int], cut: Cut | None, changed: Sequence[int]
    ) -> tuple[int, list[tuple[int, int]]]:
        """The total cost with ``changed`` files recounted for ``kept``/``cut``, and the new per-file costs."""
        plan = self.plan
        costs = list(self.costs)
        for index in changed:
            costs[index] = self.file_cost(plan.files[index], kept, cut)
        tokens = self.fixed_tokens
        pieces = self.fixed_pieces
        dropped: list[str] = []
        for pf, (t, p) in zip(plan.files, costs, strict=True):
            if p == 0:
                dropped.append(pf.path)
            tokens += t
            pieces += p
        if dropped:
            tokens += plan.count_memo(closing_marker(dropped))
            pieces += 1
        return tokens + plan.joiner_tokens * max(pieces - 1, 0), costs


def select(plan: Plan, budget: int) -> tuple[Selection | None, int]:
    """The selection for ``budget``, or ``(None, required)`` when even the minimum does not fit.

    The minimum is the budget-immune pieces plus the marker naming every budgeted file as left out.
    """
    state = _State(plan)
    all_files = range(len(plan.files))
    minimum, _ = state.candidate(set(), None, ())
    if minimum > budget:
        return None, minimum
    everything = {u.rank for u in plan.units}
    cost, _ = state.candidate(everything, None, all_files)
    if cost <= budget:
        return Selection(frozenset(everything), None, cost), minimum
    kept: set[int] = set()
    cost = minimum
    cut: Cut | None = None
    for stage in plan.stages:
        stage_units = [u for u in plan.units if u.stage == stage]  # rank order
        trial = kept | {u.rank for u in stage_units}
        trial_cost, costs = state.candidate(trial, cut, sorted({u.file for u in stage_units}))
        if trial_cost <= budget:
            kept, cost, state.costs = trial, trial_cost, costs
            continue
        own = [u for u in stage_units if u.tier == stage]
        for index in sorted({u.file for u in own}):
            file_units = [u for u in own if u.file == index]  # rank order: class, position
            trial = kept | {u.rank for u in file_units}
            trial_cost, costs = state.candidate(trial, cut, (index,))
            if trial_cost <= budget:
                kept, cost, state.costs = trial, trial_cost, costs
                continue
            for unit in file_units:
                kept, cost, cut = _one(state, kept, cost, cut, unit, budget)
        for unit in stage_units[len(own) :]:  # stories demoted from the tier before
            kept, cost, cut = _one(state, kept, cost, cut, unit, budget)
    return Selection(frozenset(kept), cut, cost), minimum


def _one(
    state: _State, kept: set[int], cost: int, cut: Cut | None, unit: Unit, budget: int
) -> tuple[set[int], int, Cut | None]:
    """Keep ``unit`` if it fits; otherwise cut it if it is the first that can be cut."""
    trial = kept | {unit.rank}
    trial_cost, costs = state.candidate(trial, cut, (unit.file,))
    if trial_cost <= budget:
        state.costs = costs
        return trial, trial_cost, cut
    if cut is None and unit.pclass <= MAX_CUT_CLASS:
        found = _cut(state, kept, unit, budget)
        if found is not None:
            new_cut, new_cost, state.costs = found
            return kept, new_cost, new_cut
    return kept, cost, cut


def _cut(
    state: _State, kept: set[int], unit: Unit, budget: int
) -> tuple[Cut, int, list[tuple[int, int]]] | None:
    """``unit`` cut after its last sentence that fits (at least one sentence past the heading)."""
    prefixes = sentence_prefixes(unit.text)[:-1]
    if unit.heading:
        prefixes = prefixes[1:]  # the heading line alone is not worth packing
    best: tuple[Cut, int, list[tuple[int, int]]] | None = None
    low, high = 0, len(prefixes) - 1
    while low <= high:
        middle = (low + high) // 2
        text = prefixes[middle]
        cut = Cut(unit.rank, text, state.plan.count(text))
        cost, costs = state.candidate(kept, cut, (unit.file,))
        if cost <= budget:
            best = (cut, cost, costs)
            low = middle + 1
        else:
            high = middle - 1
    return best


def render(plan: Plan, selection: Selection) -> str:
    """The packed text for ``selection``: pieces in output order joined by blank lines, with markers."""
    pieces: list[str] = []
    dropped: list[str] = []
    cut = selection.cut
    for slot in plan.slots:
        if isinstance(slot, Fixed):
            pieces.append(slot.text)
            continue
        pf = plan.files[slot]
        own: list[str] = []
        left: list[str] = []
        cut_heading: str | None = None
        for unit in pf.units:
            if unit.rank in selection.kept:
                own.append(unit.text)
            elif cut is not None and cut.rank == unit.rank:
                own.append(cut.text)
                cut_heading = unit.heading
            else:
                left.append(unit.heading)
        if not own:
            dropped.append(pf.path)
            continue
        pieces.extend(own)
        if left or cut_heading is not None:
            pieces.append(partial_marker(pf.path, left, cut_heading))
    if dropped:
        pieces.append(closing_marker(dropped))
    return JOINER.join(pieces)


def unit_status(unit: Unit, selection: Selection) -> Status:
    """``included``, ``truncated`` or ``dropped`` for one section."""
    if unit.rank in selection.kept:
        return "included"
    if selection.cut is not None and selection.cut.rank == unit.rank:
        return "truncated"
    return "dropped"
