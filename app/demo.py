"""Demo data (A7). Filled in by the demo seed work."""


def seed_demo() -> str:
    return "nothing seeded yet"
