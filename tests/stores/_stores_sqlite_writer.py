"""Writer process for the kill test: puts checkpoints and bumps state forever, reporting each commit."""

from __future__ import annotations

import sys

from soulkeeper.stores import Checkpoint, ThreadState, open_store


def bump(state: ThreadState) -> ThreadState:
    """One more turn."""
    return state.model_copy(update={"turn": state.turn + 1})


def main() -> None:
    """argv: store URL, writer name. Prints ``cp <id>`` / ``state <turn>`` after each commit."""
    url, name = sys.argv[1], sys.argv[2]
    store = open_store(url)
    i = 0
    while True:
        checkpoint = Checkpoint(
            thread_id="killed",
            persona="tester",
            turn=i,
            known_good=i % 3 == 0,
            exemplars=("x" * 2000, f"reply {i} 😀"),
            id=f"{name}-{i}",
        )
        store.put(checkpoint)
        print(f"cp {checkpoint.id}", flush=True)
        state = store.update_state("killed", bump)
        print(f"state {state.turn}", flush=True)
        i += 1


if __name__ == "__main__":
    main()
