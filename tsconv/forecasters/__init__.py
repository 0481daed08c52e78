"""The estimator: one `Forecaster` fits one series or many, forecasts, saves and loads.

`forecaster` holds the fit (options checked by `options`, the model trained
and the fit recorded by `fitting`), `forecasting_mixin` (on `rollout_paths`)
the forecasts, sampled trajectories and streams, `scoring` the one-step
scores beside the naive forecast, and `files` its run directory.
"""
