"""Small graph algorithms on ``{node: [successor, ...]}`` maps, iterative (scenarios can be deep)."""

from __future__ import annotations


def reachable(starts, successors: dict[str, list[str]]) -> set[str]:
    """Every node reachable from ``starts`` (included) following ``successors``."""
    seen = set()
    stack = [s for s in starts if s in successors]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(t for t in successors.get(node, ()) if t not in seen and t in successors)
    return seen


def strongly_connected_components(successors: dict[str, list[str]]) -> dict[str, int]:
    """Tarjan's algorithm: map each node to its component number.

    Components are numbered in reverse topological order of the condensed graph: a
    component only leads to components with smaller numbers.
    """
    index_of: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    components = 0
    for root in successors:
        if root in index_of:
            continue
        work = [(root, iter(successors.get(root, ())))]
        index_of[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in successors:
                    continue
                if child not in index_of:
                    index_of[child] = lowlink[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    lowlink[node] = min(lowlink[node], index_of[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index_of[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = components
                    if member == node:
                        break
                components += 1
    return component
