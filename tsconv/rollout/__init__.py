"""Forecasting by autoregressive rollout: each forecast is fed back as the next input.

`loops` runs the whole horizon as one compiled computation (cached where the
model streams exactly) beside its eager reference, `sampling` draws the noise
of sampled trajectories and their quantiles, `guard` cuts a rollout that runs
away, and `streaming` keeps a next-step forecast current as observations arrive.
"""

from tsconv.rollout.guard import guard, runaway_bound
from tsconv.rollout.loops import compiled_rollout, recursive_rollout, uses_cache
from tsconv.rollout.sampling import check_sampling, draw_noise, noise_source, quantile_columns
from tsconv.rollout.streaming import ForecastStream

__all__ = [
    "ForecastStream",
    "check_sampling",
    "compiled_rollout",
    "draw_noise",
    "guard",
    "noise_source",
    "quantile_columns",
    "recursive_rollout",
    "runaway_bound",
    "uses_cache",
]
