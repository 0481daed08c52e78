"""Classification scores from predicted probabilities (plain NumPy)."""

from __future__ import annotations

import numpy as np


def top_k_accuracy(labels: np.ndarray, probabilities: np.ndarray, k: int = 1) -> float:
    """Share of images whose true class is among the `k` most probable.

    Args:
        labels: `(n,)` integer classes.
        probabilities: `(n, num_classes)`.
        k: how many top classes count.

    Example:
    >>> top_k_accuracy(np.array([0, 1]), np.array([[0.6, 0.4], [0.7, 0.3]]), k=1)
    0.5
    """
    probabilities = np.asarray(probabilities)
    top = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]  # (n, k)
    return float(np.mean(np.any(top == np.asarray(labels)[:, None], axis=1)))


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts `(num_classes, num_classes)`: row = true class, column = predicted class."""
    index = np.asarray(labels, np.int64) * num_classes + np.asarray(predicted, np.int64)
    counts = np.bincount(index, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def classification_scores(
    labels: np.ndarray, probabilities: np.ndarray, training_labels: np.ndarray
) -> dict:
    """Top-1 (and top-5 beyond five classes) accuracy, beside always guessing the commonest class.

    Args:
        labels: `(n,)` true classes of the evaluated images.
        probabilities: `(n, num_classes)` predicted probabilities.
        training_labels: the classes the model was trained on, for the
            majority-class reference (the classifier's naive forecast).

    Returns:
        `top1`, `top5` (None for five classes or fewer), `majority_class_accuracy`,
        `per_class_accuracy`, `confusion` (a nested list) and `images`.
    """
    labels = np.asarray(labels, np.int64)
    num_classes = probabilities.shape[1]
    predicted = np.argmax(probabilities, axis=1)
    confusion = confusion_matrix(labels, predicted, num_classes)
    support = confusion.sum(axis=1)
    per_class = np.divide(
        np.diag(confusion), support, out=np.full(num_classes, np.nan), where=support > 0
    )
    majority = np.bincount(np.asarray(training_labels, np.int64), minlength=num_classes).argmax()
    return {
        "images": len(labels),
        "top1": top_k_accuracy(labels, probabilities, 1),
        "top5": top_k_accuracy(labels, probabilities, 5) if num_classes > 5 else None,
        "majority_class_accuracy": float(np.mean(labels == majority)),
        "per_class_accuracy": [None if np.isnan(v) else float(v) for v in per_class],
        "confusion": confusion.tolist(),
    }
