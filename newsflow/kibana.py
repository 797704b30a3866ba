"""PLACEHOLDER (being written): Kibana saved objects import."""
import argparse


def add_kibana_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["setup"])


def run_kibana_command(settings, args) -> int:
    raise NotImplementedError
