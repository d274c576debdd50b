"""f2l_red_flags: its strings, Open edX conventions, templates, static files and workbench examples."""
