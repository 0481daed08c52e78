"""What a tsconv forecaster model declares about itself: its capabilities, with their defaults.

Training, rollout, sampling and the estimator read these attributes directly
(never `getattr(model, name, default)`), so a new model states what it can do
in one place, and one that states nothing gets the safe defaults below: one
point value per call, no stream cache, trained by the loop.

A plain `keras.Model` that is not a `ForecasterModel` (your own model handed
to `tsconv.compiled_rollout`) is read through `capabilities_of`, which gives
it the same defaults.
"""

from __future__ import annotations


class ForecasterModel:
    """Mixin of every tsconv forecaster: `class TCNForecaster(ForecasterModel, keras.Model)`.

    Models override these as class attributes, instance attributes set in
    `__init__`, or properties.

    Attributes:
        output_steps: target steps the model forecasts per call: 1 for the
            recursive strategy, K for the direct one.
        distribution: `"point"`, or the head's distribution (`"gaussian"`,
            `"student-t"`), whose output is `(batch, [loc, scale])`.
        supports_cache: `stream_start` / `stream_step` reproduce `model(window)`
            exactly, so rollouts may use the stream cache.
        supports_sequence_objective: causal at every position, with a per-step
            head layer named `"head"` (the sequence objective trains it).
        supports_direct: takes `output_steps > 1` (the direct strategy).
        needs_scaler: built from the target's scaler and transform
            (`target_mean`, `target_scale`, `transform`, `season`): the rule baselines.
        fits_closed_form: fitted by `fit_closed_form(windows)` instead of a training loop.
        receptive_field: input steps that can move the forecast; None when the
            whole window can.

    Example:
    >>> TCNForecaster(window=100).receptive_field, NaiveForecaster(window=10).needs_scaler
    (97, True)
    """

    output_steps: int = 1
    distribution: str = "point"
    supports_cache: bool = False
    supports_sequence_objective: bool = False
    supports_direct: bool = False
    needs_scaler: bool = False
    fits_closed_form: bool = False
    receptive_field: int | None = None


# The capabilities of a model that declares none: a one-step point forecaster.
PLAIN = ForecasterModel()


def capabilities_of(model) -> ForecasterModel:
    """`model` itself when it is a `ForecasterModel`, else the defaults (`PLAIN`).

    Example:
    >>> capabilities_of(keras.Sequential([keras.layers.Dense(1)])).output_steps
    1
    """
    return model if isinstance(model, ForecasterModel) else PLAIN
