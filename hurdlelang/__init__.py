"""hurdlelang: write down the hurdle a model must clear, check it, and judge a model against it."""

__version__ = "0.1.0"
