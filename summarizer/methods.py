"""Summary method names, importable without loading any NLP library."""

#: ``news`` is the default; ``lead`` (the first sentences) is the baseline every method must beat;
#: the rest are sumy's algorithms.
SUMY_METHOD_NAMES: tuple[str, ...] = ("lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic", "edmundson", "reduction")
METHODS: tuple[str, ...] = ("news", "lead", *SUMY_METHOD_NAMES)
DEFAULT_METHOD = "news"
