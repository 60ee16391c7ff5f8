"""Zhuanhua (转化): Yunnan's technology-transfer platform."""

__version__ = "0.1.0"
