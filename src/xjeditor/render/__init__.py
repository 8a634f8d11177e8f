"""xjeditor.render"""
