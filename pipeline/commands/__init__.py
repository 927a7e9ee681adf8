"""The commands users run on top of the batch core: ``who``, ``report``, ``evaluate``,
``bench``, ``models``.

Each module has a ``main(argv) -> int``; :data:`pipeline.cli.SUBCOMMANDS` is the one
table that lists them.  The batch core (inputs, engines, manifest, writer, runner,
schemas) lives beside this package in :mod:`pipeline`, and never imports it.
"""
