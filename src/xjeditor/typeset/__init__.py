"""xjeditor.typeset"""
