#!/usr/bin/env python3
"""isnad command line: see `python run.py --help`."""
import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main())
