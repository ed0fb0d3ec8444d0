"""The multivariate host detector: an isolation forest over a host's aligned metric vector
(Liu, Ting & Zhou 2008), the second signal beside the univariate ``MetricAnomalyDetector``;
re-exported by :mod:`efficiency.detect.anomaly`."""

from __future__ import annotations

from typing import Self

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.ensemble import IsolationForest

Array = NDArray[np.float64]


class HostAnomalyDetector:
    """Isolation-forest scores in [0, 1] for a host's aligned metrics (rows: time, columns:
    series): ``fit(frame)`` then ``score()`` / ``predict()``; ``score_samples(frame)`` scores
    new rows with the fitted forest.

    Each column is centred on its median and divided by its interquartile range first, so a
    metric in bytes does not drown one in percent; gaps are carried forward, then filled with
    the column median. The score is the isolation forest's anomaly score ``2^(-E[h]/c(n))``
    (Liu, Ting & Zhou 2008): about 0.5 and below for ordinary rows, towards 1 for rows that a
    few random splits isolate. Parameters: ``n_estimators``, ``max_samples`` (as in
    scikit-learn), ``threshold`` (the default of :meth:`predict`), ``random_state``.

    Not causal: the forest is fitted on the whole frame. For a live host, fit on the history
    and score new rows with :meth:`score_samples`.
    """

    def __init__(
        self,
        n_estimators: int = 200,
        max_samples: int | str = "auto",
        threshold: float = 0.6,
        random_state: int | None = 0,
    ) -> None:
        if not 0 <= threshold <= 1:
            raise ValueError("threshold must be in [0, 1]")
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.threshold = threshold
        self.random_state = random_state

    def _prepare(self, frame: pd.DataFrame) -> NDArray[np.float64]:
        data = frame[self.columns_].astype(np.float64).ffill().fillna(self.center_)
        return ((data - self.center_) / self.spread_).to_numpy()

    def fit(self, frame: pd.DataFrame) -> Self:
        if not isinstance(frame, pd.DataFrame) or frame.shape[1] == 0 or len(frame) < 2:
            raise ValueError("frame must be a DataFrame with at least one column and two rows")
        numeric = frame.astype(np.float64)
        if np.isinf(numeric.to_numpy()).any():
            raise ValueError("values must be finite (NaN marks a missing point)")
        self.columns_ = list(frame.columns)
        self.center_ = numeric.median().fillna(0.0)
        spread = numeric.quantile(0.75) - numeric.quantile(0.25)
        fallback = numeric.std().fillna(0.0)
        self.spread_ = spread.where(spread > 0, fallback).where(lambda s: s > 0, 1.0)
        data = self._prepare(frame)
        self.forest_ = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=self.max_samples,
            random_state=self.random_state,
        ).fit(data)
        self.scores_ = self._score(data)
        return self

    def _score(self, data: NDArray[np.float64]) -> Array:
        # scikit-learn's score_samples is the negated anomaly score of the paper
        return np.clip(-self.forest_.score_samples(data), 0.0, 1.0)

    def score_samples(self, frame: pd.DataFrame) -> Array:
        """Scores of (new) rows with the fitted forest."""
        if not hasattr(self, "forest_"):
            raise RuntimeError("call fit() first")
        return self._score(self._prepare(frame))

    def score(self) -> Array:
        if not hasattr(self, "scores_"):
            raise RuntimeError("call fit() first")
        return self.scores_

    def predict(self, threshold: float | None = None) -> NDArray[np.bool_]:
        return self.score() >= (self.threshold if threshold is None else threshold)
