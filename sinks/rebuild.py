"""PLACEHOLDER (being written): zero-downtime index rebuild."""
import argparse


def add_rebuild_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["rebuild"])


def run_rebuild_command(settings, args) -> int:
    raise NotImplementedError
