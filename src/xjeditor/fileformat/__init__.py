"""xjeditor.fileformat"""
