"""The estimator: one `Forecaster` fits one series or many, forecasts, saves and loads.

`forecaster` holds the fit (options checked by `options`), `forecasting_mixin`
the forecasts, sampled trajectories and streams, `scoring` the one-step
scores beside the naive forecast, and `files` its run directory.
"""
