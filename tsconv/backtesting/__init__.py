"""Rolling-origin backtests of tsconv's forecasters beside the textbook references.

`folds` is the origin rule and the only truncation of the data, `backtest`
refits and scores every fold (one series or many), `methods` is what it fits
at each fold (references, tsconv models cold or warm), `references` computes
naive, seasonal-naive and drift forecasts in NumPy, `leakage_audit` changes
the future and checks that no forecast moves, and `diagnostics` names flat
and late forecasts.
"""
