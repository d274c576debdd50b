"""The indicator quiz block (``f2l_indicator_quiz``)."""
