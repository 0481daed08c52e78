"""One step of a causal `Conv1D` from a queue of its past inputs (the "Fast WaveNet" scheme).

A causal convolution with kernel size k and dilation d reads its input at
steps t, t - d, …, t - (k - 1) d. Keeping the last `(k - 1) * d` input
columns in a queue, the output at a new step costs one column — k taps —
instead of a pass over the whole window (Paine et al., 2016, "Fast Wavenet
Generation Algorithm").
"""

from __future__ import annotations

import keras
from keras import ops


def queue_length(conv: keras.layers.Conv1D) -> int:
    """Past input columns a causal `conv` reads besides the current one: `(k - 1) * d`."""
    return (conv.kernel_size[0] - 1) * conv.dilation_rate[0]


def conv_queue(conv: keras.layers.Conv1D, inputs):
    """The queue `conv_step` needs after `inputs`: a ring buffer of their last steps.

    Steps before the start of `inputs` are zeros, as the causal padding has them.

    Args:
        conv: a built causal `Conv1D`.
        inputs: `(batch, steps, channels)`, the layer's input up to now.

    Returns:
        `(ring, slot)`: `(batch, queue_length(conv) + 1, channels)` holding the
        last `queue_length(conv)` steps in order, and the slot (an int32
        scalar) where the next column goes.
    """
    length, steps = queue_length(conv), inputs.shape[1]
    if length > steps:
        inputs = ops.pad(inputs, ((0, 0), (length - steps, 0), (0, 0)))
        steps = length
    ring = ops.pad(inputs[:, steps - length :, :], ((0, 0), (0, 1), (0, 0)))
    # In the layer's compute dtype, as `conv` itself would read it (bfloat16 under mixed).
    return ops.cast(ring, conv.compute_dtype), ops.convert_to_tensor(length, "int32")


def conv_step(conv: keras.layers.Conv1D, queue, column):
    """`conv`'s output at one new step, and the queue moved on by that step.

    Equal to the last step of `conv(concatenate([inputs, column]))` when
    `queue == conv_queue(conv, inputs)`. The queue is a ring buffer: the new
    column overwrites the oldest in place, so no step copies the queue.

    Args:
        conv: a built causal `Conv1D`.
        queue: `(ring, slot)` from `conv_queue` or the previous `conv_step`.
        column: `(batch, 1, channels)` the input at the new step.

    Returns:
        `(output, queue)`: `(batch, 1, filters)` and the next queue.

    Example:
    >>> conv = keras.layers.Conv1D(4, 3, padding="causal", dilation_rate=2)
    >>> x = np.random.normal(size=(2, 10, 3)).astype("float32"); _ = conv(x)
    >>> out, _ = conv_step(conv, conv_queue(conv, x[:, :-1]), x[:, -1:])
    >>> np.allclose(out, conv(x)[:, -1:], atol=1e-6)
    True
    """
    ring, slot = queue
    taps, dilation = conv.kernel_size[0], conv.dilation_rate[0]
    size = queue_length(conv) + 1
    dtype = conv.compute_dtype  # float32, or half precision under a mixed policy
    ring = ops.slice_update(ring, (0, slot, 0), ops.cast(column, dtype))  # (batch, size, channels)
    back = ops.convert_to_tensor([(taps - 1 - j) * dilation for j in range(taps)], "int32")
    picked = ops.take(ring, ops.mod(slot - back + size, size), axis=1)  # (batch, k, channels)
    channels = column.shape[-1]
    picked = ops.reshape(picked, (-1, taps * channels))  # (batch, k * channels)
    kernel = ops.cast(ops.reshape(conv.kernel, (taps * channels, -1)), dtype)
    out = ops.matmul(picked, kernel)  # (batch, filters)
    if conv.use_bias:
        out = out + ops.cast(conv.bias, dtype)
    out = conv.activation(out)[:, None, :]  # (batch, 1, filters)
    return out, (ring, ops.mod(slot + 1, size))
