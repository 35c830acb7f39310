"""``pack``: fit a persona into a token budget, tier by tier, and say exactly what was left out."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import pluggy

from soulkeeper.errors import BudgetExceededError, SpecError
from soulkeeper.pack._cache import LRU
from soulkeeper.pack._digest import fallback_line
from soulkeeper.pack._plan import Plan, prepare
from soulkeeper.pack._priority import DEFAULT_PRIORITIES
from soulkeeper.pack._report import build_entries, fallback_entries, left_out_summary, message_for
from soulkeeper.pack._select import Selection, render, select
from soulkeeper.pack._types import DEFAULT_TIERS, IDENTITY_LINE_PATH, PackEntry, PackResult, Reserve, Tier
from soulkeeper.plugins import default_plugin_manager
from soulkeeper.tokens import Tokenizer, get_tokenizer

__all__ = ["clear_cache", "pack", "soul_packing_settings"]

logger = logging.getLogger("soulkeeper.pack")

_PLANS: LRU[Plan] = LRU(64)
_RESULTS: LRU[PackResult] = LRU(512)
_MAX_REPAIRS = 8

TokenizerSpec = str | Callable[[str], int] | Tokenizer


def clear_cache() -> None:
    """Forget every cached plan (per-section token counts) and packed result."""
    _PLANS.clear()
    _RESULTS.clear()


def pack(
    soul: Any,
    *,
    context_window: int | None = None,
    budget: int | None = None,
    reserve: Reserve = Reserve(),  # noqa: B008 - frozen, so sharing the default is safe
    tokenizer: TokenizerSpec = "estimate",
    tiers: Sequence[Tier] | None = None,
    priorities: Mapping[str, int] | None = None,
    fallback: bool = False,
    plugin_manager: pluggy.PluginManager | None = None,
) -> PackResult:
    """Pack ``soul`` into a token budget: identity and hard rules always, the rest by tier and priority.

    :param soul: a :class:`soulkeeper.Soul`.
    :param context_window: the model's context in tokens; the budget is this minus ``reserve``.
    :param budget: the persona's budget in tokens, given directly (instead of ``context_window``).
    :param reserve: tokens kept free for the app's system text, the history and the answer.
    :param tokenizer: a spec for :func:`soulkeeper.tokens.get_tokenizer` (``"tiktoken:o200k_base"``,
        ``"hf:…"``, ``"estimate:qwen2"``, ``"estimate"``), a tokenizer, or a callable ``str -> int``.
    :param tiers: tiers replacing the soul's own (``soul.json`` ``soulkeeper.packing.tiers``) and
        :data:`DEFAULT_TIERS`.
    :param priorities: heading keyword -> class (0 kept first … 5 kept last), merged over the soul's
        and :data:`DEFAULT_PRIORITIES`.
    :param fallback: when tier 1 alone does not fit, pack a one-line identity (name, role, language, top
        rules) instead of raising.
    :param plugin_manager: where ``on_pack`` is announced; :func:`default_plugin_manager` by default.
    :raises BudgetExceededError: tier 1 does not fit (and ``fallback`` is off or even one line does
        not fit); the error carries ``required`` and ``budget``.
    :raises ValueError: neither or both of ``context_window`` and ``budget``, or nothing left after the
        reserves.

    The packed text, counted with the same tokenizer, never exceeds the budget; what was left out is in
    the result's entries, ``message`` and ``warnings``, is logged to ``soulkeeper.pack`` and announced
    through the ``on_pack`` hook. Results are cached by content and settings.
    """
    limit = _budget(context_window, budget, reserve)
    key = _result_key(
        soul, limit, context_window, reserve, tokenizer, tiers, priorities, fallback, plugin_manager
    )
    if key is not None:
        cached = _RESULTS.get(key)
        if cached is not None:
            if cached.degraded:
                logger.debug("%s (cached)", cached.message)
                _announce(soul, cached, plugin_manager)
            return cached
    tok = get_tokenizer(tokenizer, plugin_manager=plugin_manager)
    tok_key = _tokenizer_key(tokenizer)
    if tok_key is not None and plugin_manager is not None:
        tok_key = (tok_key, plugin_manager)
    result = _pack(soul, limit, context_window, reserve, tok, tiers, priorities, fallback, tok_key)
    if key is not None:
        _RESULTS.put(key, result)
    if result.degraded:
        logger.warning("%s", result.message)
        _announce(soul, result, plugin_manager)
    return result


def _budget(context_window: int | None, budget: int | None, reserve: Reserve) -> int:
    if (context_window is None) == (budget is None):
        raise ValueError("pass exactly one of context_window= (minus the reserves) or budget=")
    if budget is not None:
        if isinstance(budget, bool) or not isinstance(budget, int) or budget <= 0:
            raise ValueError(f"budget must be a positive int, not {budget!r}")
        return budget
    assert context_window is not None
    if isinstance(context_window, bool) or not isinstance(context_window, int) or context_window <= 0:
        raise ValueError(f"context_window must be a positive int, not {context_window!r}")
    if not isinstance(reserve, Reserve):
        raise TypeError(f"reserve must be a Reserve, not {type(reserve).__name__}")
    limit = context_window - reserve.total
    if limit <= 0:
        raise ValueError(
            f"context window {context_window} leaves no room for a persona after the reserves "
            f"(system {reserve.system} + history {reserve.history} + generation {reserve.generation} "
            f"= {reserve.total})"
        )
    return limit


def _content_key(soul: Any) -> str:
    digest = getattr(soul, "digest", None)
    if isinstance(digest, str):
        return digest
    h = hashlib.sha256()
    for path, soul_file in sorted(soul.files.items()):
        h.update(f"{path}\0{soul_file.role}\0{soul_file.text}\0".encode())
    h.update(soul.rules.model_dump_json().encode())
    h.update(json.dumps(soul.manifest.raw, sort_keys=True, default=str).encode())
    return "fingerprint:" + h.hexdigest()


def _tokenizer_key(tokenizer: TokenizerSpec) -> Hashable | None:
    if isinstance(tokenizer, str):
        return tokenizer.strip()
    try:
        hash(tokenizer)
    except TypeError:
        return None
    return ("object", tokenizer)


def _result_key(
    soul: Any,
    limit: int,
    context_window: int | None,
    reserve: Reserve,
    tokenizer: TokenizerSpec,
    tiers: Sequence[Tier] | None,
    priorities: Mapping[str, int] | None,
    fallback: bool,
    plugin_manager: pluggy.PluginManager | None,
) -> Hashable | None:
    tok_key = _tokenizer_key(tokenizer)
    if tok_key is None:
        return None
    return (
        _content_key(soul),
        limit,
        context_window,
        tok_key,
        None if tiers is None else tuple(tiers),
        None if priorities is None else tuple(sorted(priorities.items())),
        fallback,
        plugin_manager,
    )


def soul_packing_settings(soul: Any) -> tuple[tuple[Tier, ...] | None, dict[str, int]]:
    """Tiers and priorities a persona sets in ``soul.json`` under ``soulkeeper.packing``.

    ``{"soulkeeper": {"packing": {"tiers": [{"name": "core", "include": ["identity", "soul"],
    "immune": true, "rulesDigest": true}, ...], "priorities": {"lore": 4}}}}``.
    """
    raw = getattr(soul.manifest, "raw", {}) or {}
    manifest_path = getattr(soul.manifest, "path", "soul.json")
    section = raw.get("soulkeeper", {})
    packing = section.get("packing", {}) if isinstance(section, dict) else {}
    if not isinstance(packing, dict):
        raise SpecError("soulkeeper.packing must be an object", file=manifest_path)
    tiers: tuple[Tier, ...] | None = None
    if "tiers" in packing:
        tiers = _tiers_from_json(packing["tiers"], manifest_path)
    priorities = packing.get("priorities", {})
    if not isinstance(priorities, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in priorities.items()
    ):
        raise SpecError(
            "soulkeeper.packing.priorities must map heading keywords to integers", file=manifest_path
        )
    return tiers, dict(priorities)


def _tiers_from_json(value: Any, manifest_path: str) -> tuple[Tier, ...]:
    if not isinstance(value, list) or not value:
        raise SpecError("soulkeeper.packing.tiers must be a non-empty list of tiers", file=manifest_path)
    tiers: list[Tier] = []
    for index, item in enumerate(value, 1):
        include = item.get("include") if isinstance(item, dict) else None
        if (
            not isinstance(item, dict)
            or not isinstance(include, list)
            or not include
            or not all(isinstance(i, str) and i for i in include)
        ):
            raise SpecError(
                f"soulkeeper.packing.tiers[{index}] needs an 'include' list of file roles or path globs",
                file=manifest_path,
            )
        tiers.append(
            Tier(
                name=str(item.get("name", f"tier {index}")),
                include=tuple(include),
                immune=bool(item.get("immune", False)),
                rules_digest=bool(item.get("rulesDigest", item.get("rules_digest", False))),
            )
        )
    return tuple(tiers)


def _settings(
    soul: Any, tiers: Sequence[Tier] | None, priorities: Mapping[str, int] | None
) -> tuple[tuple[Tier, ...], dict[str, int]]:
    soul_tiers, soul_priorities = soul_packing_settings(soul)
    chosen = tuple(tiers) if tiers is not None else soul_tiers or DEFAULT_TIERS
    if not chosen:
        raise ValueError("tiers must name at least one tier")
    for tier in chosen:
        if not isinstance(tier, Tier):
            raise TypeError(f"tiers must be Tier objects, not {type(tier).__name__}")
    merged = {**DEFAULT_PRIORITIES, **soul_priorities, **(priorities or {})}
    return chosen, merged


def _plan(
    soul: Any,
    tok: Tokenizer,
    tok_key: Hashable | None,
    tiers: Sequence[Tier] | None,
    priorities: Mapping[str, int] | None,
) -> Plan:
    key = (
        _content_key(soul),
        tok_key,
        None if tiers is None else tuple(tiers),
        None if priorities is None else tuple(sorted(priorities.items())),
    )
    plan = _PLANS.get(key) if tok_key is not None else None
    if plan is None:
        chosen, merged = _settings(soul, tiers, priorities)
        plan = prepare(soul, tiers=chosen, priorities=merged, count=tok.count)
        if tok_key is not None:
            _PLANS.put(key, plan)
    return plan


def _warnings(soul: Any, context_window: int | None) -> list[str]:
    warnings: list[str] = []
    raw = getattr(soul.manifest, "raw", {}) or {}
    compatibility = raw.get("compatibility")
    minimum = compatibility.get("minTokenContext") if isinstance(compatibility, dict) else None
    if (
        context_window is not None
        and isinstance(minimum, int)
        and not isinstance(minimum, bool)
        and context_window < minimum
    ):
        warnings.append(
            f"the context window ({context_window} tokens) is smaller than the persona's "
            f"compatibility.minTokenContext ({minimum})"
        )
    return warnings


def _tier1_label(plan: Plan) -> str:
    names = [f.path for f in plan.fixed]
    labels = ["the hard rules" if n.startswith("<hard") else n for n in names if n != IDENTITY_LINE_PATH]
    return " and ".join(labels) if labels else "the identity line"


def _pack(
    soul: Any,
    limit: int,
    context_window: int | None,
    reserve: Reserve,
    tok: Tokenizer,
    tiers: Sequence[Tier] | None,
    priorities: Mapping[str, int] | None,
    fallback: bool,
    tok_key: Hashable | None,
) -> PackResult:
    plan = _plan(soul, tok, tok_key, tiers, priorities)
    warnings = _warnings(soul, context_window)
    target = limit
    selection: Selection | None = None
    text = ""
    tokens = 0
    required = 0
    for attempt in range(_MAX_REPAIRS):
        selection, needed = select(plan, target)
        if attempt == 0:
            required = needed
        if selection is None:
            break
        text = render(plan, selection)
        tokens = tok.count(text)
        if tokens <= limit:
            break
        logger.debug("planned %d tokens, counted %d: repacking for less", selection.cost, tokens)
        target -= max(tokens - limit, 1)
        selection = None
    if selection is None:
        required = max(required, limit + 1)
        return _fallback_or_raise(
            soul, plan, limit, context_window, reserve, tok, required, fallback, warnings
        )
    entries = build_entries(plan, selection)
    labels, left, cuts = left_out_summary(entries)
    message = message_for(left, cuts)
    if message:
        warnings.append(message)
    return PackResult(
        text=text,
        tokens=tokens,
        budget=limit,
        entries=entries,
        warnings=tuple(warnings),
        message=message,
        degraded=bool(message),
        tokenizer=tok.name,
        context_window=context_window,
        left_out=labels,
    )


def _fallback_or_raise(
    soul: Any,
    plan: Plan,
    limit: int,
    context_window: int | None,
    reserve: Reserve,
    tok: Tokenizer,
    required: int,
    fallback: bool,
    warnings: list[str],
) -> PackResult:
    where = f" ({context_window} context - {reserve.total} reserved)" if context_window is not None else ""
    label = _tier1_label(plan)
    markers = " plus the marker naming what is left out" if plan.files else ""
    explanation = (
        f"tier 1 ({label}){markers} needs {required} tokens with {tok.name}, but the budget is {limit}{where}"
    )
    line = fallback_line(plan.display_name, plan.rules, limit, tok.count) if fallback else None
    if line is None:
        advice = "use a model with a larger context or smaller reserves"
        if not fallback:
            advice += ", or pass fallback=True for a one-line identity"
        raise BudgetExceededError(f"{explanation}; {advice}", required=required, budget=limit)
    line_tokens = tok.count(line)
    entry = PackEntry(IDENTITY_LINE_PATH, None, 1, "included", line_tokens, line_tokens, note="fallback")
    entries = fallback_entries(plan, entry)
    message = (
        f"Persona exceeds this model's budget: only a one-line identity was packed because {explanation}; "
        "everything else was left out"
    )
    warnings.append(message)
    labels = tuple(e.path for e in entries if e.heading is None and e.status == "dropped")
    return PackResult(
        text=line,
        tokens=line_tokens,
        budget=limit,
        entries=entries,
        warnings=tuple(warnings),
        message=message,
        degraded=True,
        tokenizer=tok.name,
        context_window=context_window,
        fallback=True,
        left_out=labels,
    )


def _announce(soul: Any, result: PackResult, plugin_manager: pluggy.PluginManager | None) -> None:
    pm = plugin_manager or default_plugin_manager()
    pm.hook.on_pack(soul=soul, result=result)
