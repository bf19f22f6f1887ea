"""Dev-only training and evaluation of the spam classifier (scikit-learn); never deployed."""
from .cli import evaluate, train

__all__ = ["evaluate", "train"]
