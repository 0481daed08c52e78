"""tsconv's command line, installed as the `tsconv_cli` package."""
