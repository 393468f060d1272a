"""The rules on rows, with no I/O: schema, values, tables, checks, scores, flags, the summary, the job.

Nothing under `addin.core` imports openpyxl, XlsxWriter, python-calamine, xlwings, click or
smtplib (a test blocks them and runs a whole analysis): every front end (the files, the
Excel buttons, the mail) hands it grids of cell values and gets plain data back.
"""
