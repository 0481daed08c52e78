"""Training a window model: batches, the loop, its callbacks, the input pipeline, the engine.

`batches` gathers batches from window views (training and prediction share
it), `loop` trains with Adam and early stopping, `callbacks` stops a
diverging fit and logs epochs, `resume` backs up every epoch, `tf_input`
feeds the loop through `tf.data` on TensorFlow, `engine` chooses device,
precision, XLA and the `tf.distribute` distribution strategy, and
`multiworker` trains across machines. Importing it imports Keras.
"""

from tsconv.training.batches import WindowBatches, predict_windows, window_order
from tsconv.training.engine import default_jit
from tsconv.training.loop import check_training_options, compile_for_training, train

__all__ = [
    "WindowBatches",
    "check_training_options",
    "compile_for_training",
    "default_jit",
    "predict_windows",
    "train",
    "window_order",
]
