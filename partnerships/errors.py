class ConflictError(Exception):
    """A write was based on a version of a record that has since changed."""

    def __init__(self, message, *, current=None):
        super().__init__(message)
        self.current = current
