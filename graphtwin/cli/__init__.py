"""The ``graphtwin`` command line: thin commands over the public Python API."""
