"""_diagnostics"""
