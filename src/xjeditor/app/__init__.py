"""xjeditor.app"""
