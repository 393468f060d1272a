"""What people read, as data: the Validation, Scores, Flags and Summary pages, their JSON forms
and the e-mail text. A page is rows, styles and charts (`addin.pages.page`); writers render it.
"""
