"""What the command line calls: each job runs one command's work and returns a report.

`fit` (CSV → run), `forecast` (run → forecast file), `backtest` (CSV → scored
folds), `runs` (list, show and plot saved runs) and `image` (image fits,
transfers and predictions). A report's `summary()` is what the CLI shows and
`to_json()` what `--json` prints. Import the module you need: `tsconv runs`
imports `tsconv.jobs.runs` alone and never starts TensorFlow.
"""
