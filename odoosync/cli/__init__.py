"""The command line: parse input, call one function below cli/, render the result."""
