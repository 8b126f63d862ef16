"""The living demo: a small bureau in motion, made by using the product (``zsb demo-data --live``, ``zsb dev``)."""
