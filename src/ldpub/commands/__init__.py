"""One module per CLI command (or family of commands); see :data:`ldpub.cli.COMMANDS`."""
