"""Link health: placeholder until built."""


def check_links() -> None:
    return None
