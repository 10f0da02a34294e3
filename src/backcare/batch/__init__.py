"""Screening a whole register of intakes: read in chunks, screen, write in chunks.

``registers`` reads and writes the files, ``reference`` screens rows one at a time with the
core (the reference every faster engine must equal), ``run`` drives them with a process pool.
"""
