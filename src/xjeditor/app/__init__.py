"""xjeditor.app: the PySide6 desktop editor.

- ``document``  the open issue (model, path, file hash, cached typeset); plain Python
- ``commands``  QUndoCommands, each calling one ``Document`` mutator
- ``storyform`` the story editor's form <-> story parts (plain Python)
- ``canvas``    pages on a pasteboard, painted from the display list by ``render.qt``
- ``panels``    page thumbnails, stories with copyfit, the story editor form
- ``dialogs``   every modal question (patched in tests)
- ``window``    the main window; ``main`` the QApplication, fonts, ``run`` and ``screenshot``

Importing this package imports no Qt; the modules above do.
"""
