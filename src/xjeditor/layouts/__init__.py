"""xjeditor.layouts"""
