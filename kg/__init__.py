"""GovKG: knowledge graphs from Chinese government reports.

The package is laid out by stage of the data flow; each stage imports only earlier ones:

    source/  -> extract/ (+ reference/) -> rdf/ -> validate.py -> store/ -> publish/ -> web/
"""

__version__ = "0.1.2"
