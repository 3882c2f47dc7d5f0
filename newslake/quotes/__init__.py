"""Quotations and their speakers (`find_quotes`), domain code without Prefect."""

from newslake.quotes.rules import Mention, Quote, find_quotes

__all__ = ["Mention", "Quote", "find_quotes"]
