"""``free2link report``: the trainer's report (HTML page, CSV tables, pseudonyms) over ``core.report``."""
