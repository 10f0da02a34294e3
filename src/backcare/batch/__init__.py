"""Screening a whole register of intakes: the rules compiled into dataframe expressions
(``engine``, over the flat layout of ``columns``), and the run from file to file: ``registers``
reads and writes the files in chunks, ``reference`` screens rows one at a time with the core (the
reference every faster engine must equal), ``run`` drives them on every core.
"""
