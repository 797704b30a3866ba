"""PLACEHOLDER (being written): the HTTP search API."""
import argparse


def add_api_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)


def run_api_command(settings, args) -> int:
    raise NotImplementedError
